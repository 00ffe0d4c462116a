/**
 * The worker side of readOnWorkers (input-workers.ts): a worker module calls
 * serveInputReads with how its callers read.
 */
import { failedReply, PostedBytes, workerPort } from "../worker-thread.js";
import type { FromWorker, ReadTask, ToWorker } from "./input-workers.js";
import { readTraces, type ReadEvent, type ReadProgress, type ReadTracesOptions } from "./read-traces.js";

/** Events posted at a time: a message per run of lines cost more than the events. */
const BATCH_EVENTS = 1024;
/** Batches a worker posts before the reader takes them: bounds what waits in memory. */
const BATCHES_AHEAD = 2;

/**
 * A worker module's work: reads each input it is sent with readTraces, with
 * `reading`'s options added (how the module's callers read: which calls in
 * detail, which arguments decoded), and posts back its events, its report
 * and its bytes as read.
 */
export function serveInputReads(reading: Pick<ReadTracesOptions, "decode" | "detailed">): void {
  const port = workerPort("a worker module of readOnWorkers");
  let current = -1;
  let ahead = 0;
  let more: (() => void) | undefined;
  port.on("message", (message: ToWorker) => {
    if (message.kind === "read") {
      current = message.task;
      ahead = 0;
      void read(message).then((reply) => port.postMessage(reply satisfies FromWorker));
    } else if (message.task === current) {
      ahead--;
      more?.();
    }
  });

  async function post(events: readonly ReadEvent[]): Promise<void> {
    port.postMessage({ kind: "events", events } satisfies FromWorker);
    ahead++;
    while (ahead >= BATCHES_AHEAD) await new Promise<void>((resolve) => (more = resolve));
    more = undefined;
  }

  async function read(task: ReadTask): Promise<FromWorker> {
    const bytes = new PostedBytes(port);
    let read = 0;
    const progress: ReadProgress = {
      update: (bytesRead) => {
        bytes.add(bytesRead - read);
        read = bytesRead;
      },
      end: () => bytes.flush(),
    };
    try {
      const traces = readTraces([task.file], { ...reading, cwd: task.cwd, strict: task.strict, native: task.native, progress });
      let batch: ReadEvent[] = [];
      for await (const events of task.records ? traces.recordBatches : traces.batches) {
        for (const event of events) batch.push(event);
        if (batch.length < BATCH_EVENTS) continue;
        await post(batch);
        batch = [];
      }
      if (batch.length > 0) await post(batch);
      return { kind: "end", report: traces.report() };
    } catch (error) {
      return failedReply(error);
    }
  }
}
