/**
 * Whole inputs (the files of a `-ff` folder, several traces) read on worker
 * threads while the reader takes their events in input order: a file's events
 * come to it as if it had read the file itself, so whatever passes from one
 * file to the next (a child's cwd and fds from its parent) is stitched by
 * reading them in order, as a serial reading does.
 */
import type { Worker } from "node:worker_threads";
import type { NativeArch } from "../syscalls/arch.js";
import { failedReply, replyError, startWorker, type FailedReply } from "../worker-thread.js";
import type { ReadEvent, ReadTracesOptions, TraceReport } from "./read-traces.js";

/** Where and on how many threads inputs are read apart. */
export interface InputWorkers {
  /** A module that calls serveInputReads (see workerModule). */
  readonly module: URL;
  /** Worker threads at most. */
  readonly threads: number;
}

/** One input for a worker to read, as readTraces([file]) reads it. */
export interface ReadTask {
  readonly kind: "read";
  /** The task's number: a worker's `more` messages name it. */
  readonly task: number;
  readonly file: string;
  readonly cwd: string | undefined;
  readonly strict: boolean;
  readonly native: NativeArch | undefined;
  /** Whether AppArmor records come too (readTraces' `recordBatches`). */
  readonly records: boolean;
}

/** The reader took a batch of task `task`: its worker may post one more. */
export type ToWorker = ReadTask | { readonly kind: "more"; readonly task: number };

export type FromWorker =
  | { readonly kind: "bytes"; readonly bytes: number }
  | { readonly kind: "events"; readonly events: readonly ReadEvent[] }
  | { readonly kind: "end"; readonly report: TraceReport }
  | FailedReply;

type Reply = Exclude<FromWorker, { kind: "bytes" }>;

/** The events of one input as a worker reads them, taken in order by `batches`. */
export class WorkerInput {
  private readonly replies: Reply[] = [];
  private wake: (() => void) | undefined;
  /** Tells the worker reading this input that a batch was taken. */
  taken: () => void = () => undefined;

  constructor(readonly file: string) {}

  receive(reply: Reply): void {
    this.replies.push(reply);
    this.wake?.();
  }

  private async reply(): Promise<Reply> {
    while (this.replies.length === 0) await new Promise<void>((wake) => (this.wake = wake));
    this.wake = undefined;
    return this.replies.shift() as Reply;
  }

  /** The input's events, then its report; or the error readTraces would throw. */
  async *batches(): AsyncGenerator<readonly ReadEvent[], TraceReport, undefined> {
    for (;;) {
      const reply = await this.reply();
      if (reply.kind === "end") return reply.report;
      if (reply.kind === "failed") throw replyError(reply);
      this.taken();
      yield reply.events;
    }
  }
}

/**
 * Starts reading `files` (none of them stdin) on up to `workers.threads`
 * threads, a file at a time each, in order; `onBytes` hears of the bytes
 * read. `stop` ends the workers, done or not.
 */
export function readOnWorkers(
  files: readonly string[],
  options: Pick<ReadTracesOptions, "cwd" | "strict" | "native">,
  records: boolean,
  workers: InputWorkers,
  onBytes: (bytes: number) => void,
): { readonly inputs: readonly WorkerInput[]; stop(): Promise<void> } {
  const inputs = files.map((file) => new WorkerInput(file));
  const threads: Worker[] = [];
  let next = 0;
  const feed = (worker: Worker) => {
    const task = next++;
    const input = inputs[task];
    if (input === undefined) return void worker.terminate();
    input.taken = () => worker.postMessage({ kind: "more", task } satisfies ToWorker);
    const onMessage = (message: FromWorker) => {
      if (message.kind === "bytes") return onBytes(message.bytes);
      input.receive(message);
      if (message.kind === "events") return;
      worker.off("message", onMessage);
      feed(worker);
    };
    worker.on("message", onMessage);
    const { cwd, strict, native } = options;
    worker.postMessage({ kind: "read", task, file: input.file, cwd, strict, native, records } satisfies ToWorker);
  };
  for (let i = 0; i < Math.min(workers.threads, files.length); i++) {
    const worker = startWorker(workers.module);
    // A worker that dies takes the inputs it has not read yet with it.
    worker.on("error", (error) => inputs.forEach((input) => input.receive(failedReply(error))));
    threads.push(worker);
    feed(worker);
  }
  return { inputs, stop: async () => void (await Promise.all(threads.map((worker) => worker.terminate()))) };
}
