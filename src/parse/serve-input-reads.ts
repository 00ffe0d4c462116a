/**
 * The worker side of readOnWorkers (input-workers.ts): a worker module calls
 * serveInputReads with how its callers read.
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import { InputError } from "../errors.js";
import type { FromWorker, ReadTask, ToWorker } from "./input-workers.js";
import { readTraces, type ReadEvent, type ReadProgress, type ReadTracesOptions } from "./read-traces.js";

/** Events posted at a time: a message per run of lines cost more than the events. */
const BATCH_EVENTS = 1024;
/** Batches a worker posts before the reader takes them: bounds what waits in memory. */
const BATCHES_AHEAD = 2;
/** Bytes read are posted in steps of this many. */
const BYTES_STEP = 4 << 20;

function workerPort(): MessagePort {
  if (parentPort === null) throw new Error("a worker module of readOnWorkers runs as a worker thread");
  return parentPort;
}

/**
 * A worker module's work: reads each input it is sent with readTraces, with
 * `reading`'s options added (how the module's callers read: which calls in
 * detail, which arguments decoded), and posts back its events, its report
 * and its bytes as read.
 */
export function serveInputReads(reading: Pick<ReadTracesOptions, "decode" | "detailed">): void {
  const port = workerPort();
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
    let read = 0;
    let posted = 0;
    const postBytes = () => {
      if (read > posted) port.postMessage({ kind: "bytes", bytes: read - posted } satisfies FromWorker);
      posted = read;
    };
    const progress: ReadProgress = {
      update: (bytesRead) => {
        read = bytesRead;
        if (read - posted >= BYTES_STEP) postBytes();
      },
      end: postBytes,
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
      return { kind: "failed", message: error instanceof Error ? error.message : String(error), input: error instanceof InputError };
    }
  }
}
