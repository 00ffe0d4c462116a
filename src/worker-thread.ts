/**
 * What a worker thread shares with the thread that started it: how it is
 * started (this thread's young generation kept as it was), the port it posts
 * to, its errors as it posts them, and the bytes it reads as it posts them;
 * and how many threads a reading uses by default.
 */
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { parentPort, Worker, type MessagePort, type WorkerOptions } from "node:worker_threads";
import { InputError } from "./errors.js";

/**
 * A worker's young generation, in MiB: a reader's worker allocates little that
 * lives, so a small one keeps peak memory down (158 MiB instead of 181 MiB on
 * a 256 MiB trace with two census workers) at no measurable cost in time.
 */
const WORKER_YOUNG_MB = 4;

const CAPPED_GROWTH = "--semi-space-growth-factor=1";
/** Whether capYoungGeneration was called. */
let capped = false;

/**
 * Keeps this thread's young generation at its first size (the CLI's choice,
 * see cli/main.ts). V8 raises the growth factor back to 2, a process-wide
 * flag, whenever it sets up a heap: a worker's start does. So startWorker caps
 * it again once the worker is online, unless asked to let it grow.
 */
export function capYoungGeneration(): void {
  setFlagsFromString(CAPPED_GROWTH);
  capped = true;
}

export interface StartOptions extends Pick<WorkerOptions, "workerData" | "transferList"> {
  /** Leaves this thread's young generation free to grow from the worker's start on (see capYoungGeneration). */
  readonly youngGenerationGrows?: boolean;
}

/** A worker thread running `module` (see workerModule), its young generation small. */
export function startWorker(module: URL, options: StartOptions = {}): Worker {
  const { workerData, transferList, youngGenerationGrows = false } = options;
  const worker = new Worker(module, { workerData, transferList, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  if (capped && !youngGenerationGrows) worker.once("online", () => setFlagsFromString(CAPPED_GROWTH));
  return worker;
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
