/**
 * What a worker thread shares with the thread that started it: how it is
 * started, the port it posts to, its errors as it posts them, and the bytes it
 * reads as it posts them; and how many threads a reading uses by default.
 */
import { availableParallelism } from "node:os";
import { parentPort, Worker, type MessagePort, type WorkerOptions } from "node:worker_threads";
import { InputError } from "./errors.js";

/**
 * A worker's young generation, in MiB: a reader's worker allocates little that
 * lives, so a small one keeps peak memory down (158 MiB instead of 181 MiB on
 * a 256 MiB trace with two census workers) at no measurable cost in time.
 */
const WORKER_YOUNG_MB = 4;

/** A worker thread running `module` (see workerModule), its young generation small. */
export function startWorker(module: URL, options: Pick<WorkerOptions, "workerData" | "transferList"> = {}): Worker {
  return new Worker(module, { ...options, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
}

/** The port to the thread that started this worker module (`module` names it in the error when none did). */
export function workerPort(module: string): MessagePort {
  if (parentPort === null) throw new Error(`${module} runs as a worker thread`);
  return parentPort;
}

/** An error as a worker posts it: an InputError stays one on the other side. */
export interface FailedReply {
  readonly kind: "failed";
  readonly message: string;
  readonly input: boolean;
}

export function failedReply(error: unknown): FailedReply {
  return { kind: "failed", message: error instanceof Error ? error.message : String(error), input: error instanceof InputError };
}

/** The error a worker's FailedReply stands for. */
export function replyError(reply: FailedReply): Error {
  return reply.input ? new InputError(reply.message) : new Error(reply.message);
}

/** Bytes read are posted in steps of this many: a message per chunk read cost a tenth of a worker's time. */
const BYTES_STEP = 4 << 20;

/** The bytes a worker reads, posted as `{ kind: "bytes", bytes }` every BYTES_STEP, and the rest when flushed. */
export class PostedBytes {
  private unposted = 0;

  constructor(private readonly port: MessagePort) {}

  add(bytes: number): void {
    this.unposted += bytes;
    if (this.unposted >= BYTES_STEP) this.flush();
  }

  flush(): void {
    if (this.unposted > 0) this.port.postMessage({ kind: "bytes", bytes: this.unposted });
    this.unposted = 0;
  }
}

/**
 * The threads a reading uses by default at most, this one among them: a core
 * each but one, left to V8's own threads (its collector and compilers, busiest
 * while a worker warms up). On two cores that leaves this thread alone.
 */
export function readingCores(cores: number = availableParallelism()): number {
  return cores >= 3 ? cores - 1 : 1;
}
