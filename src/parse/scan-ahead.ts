/**
 * A large strace log read and scanned ahead on a worker thread
 * (scan-worker.ts) while this thread parses the lines before (it reads the
 * first few MiB itself while the worker starts): the file's
 * reads and the WebAssembly scan of its lines (see common-lines.ts), about a
 * sixth of an AppArmor reading, leave this thread. The worker writes runs of lines
 * with their scans in batches of about BATCH_BYTES to SLOTS slots of shared
 * memory in turn, and posts each as views of its slot; it waits while every
 * slot holds a batch this thread is not done with.
 *
 * The two threads signal each other through a shared Int32Array (`control`):
 * this thread takes the batches off its port as it needs them
 * (receiveMessageOnPort), not as events of its loop, which a reader busy
 * parsing seldom turns.
 *
 * A reading that makes many events may also let this thread's young
 * generation grow from the worker's start on (see capYoungGeneration), which
 * counts too: `check --write` of both profiles of a 256 MiB trace took 1.64 s
 * reading on one thread, 1.58 s with the young generation free to grow, 1.52
 * s scanning ahead with it capped, and 1.46 s scanning ahead with it free
 * (medians of 8), for 86, 111, 101 and 130 MiB at peak. A seccomp census,
 * which makes few, was as fast or faster with it capped, for 20 MiB less.
 */
import { closeSync, fstatSync, openSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isMainThread, MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { workerModule } from "../package-files.js";
import { startWorker } from "../worker-thread.js";
import { recordInts } from "./common-lines.js";
import { counted, fileChunks, lineRuns, lineStartFrom, type ByteRange, type LineRun } from "./line-runs.js";

/** Which files a reading scans ahead, and how much of their start this thread reads itself meanwhile. */
export interface ScanAhead {
  /** Files from this size on. */
  readonly fromBytes: number;
  /** The bytes (up to a line start) this thread reads while the worker starts: the worker reads on from there. */
  readonly headBytes: number;
}

/**
 * The default: files of 32 MiB or more (below, the worker's start costs about
 * what it saves), their first 8 MiB read here (a worker takes about 50 ms to
 * start and post its first batch, about what 8 MiB take to read here).
 */
export const DEFAULT_SCAN_AHEAD: ScanAhead = { fromBytes: 32 << 20, headBytes: 8 << 20 };
/** The bytes of runs a batch holds, unless one run is longer. */
export const BATCH_BYTES = 1 << 20;
/** The slots of shared memory the batches are written to in turn. */
export const SLOTS = 4;

/** The ints of `control`: batches (and the end) the worker posted, batches this thread is done with, and whether it stopped reading. */
export const POSTED = 0;
export const DONE = 1;
export const STOPPED = 2;
const CONTROL_INTS = 3;

/** A run's numbers in a batch's `runs`: where its bytes end, where its records end (in records), and its flags. */
const RUN_NUMBERS = 3;
export const PLAIN = 1;
export const ASCII = 2;

/** What the worker is given. */
export interface ScanTask {
  readonly path: string;
  /** Where to start reading: a line start. */
  readonly from: number;
  readonly port: MessagePort;
  readonly control: Int32Array;
}

export type FromScanWorker =
  | { readonly kind: "runs"; readonly bytes: Uint8Array; readonly records: Int32Array; readonly runs: readonly number[] }
  | { readonly kind: "end" }
  | { readonly kind: "failed"; readonly message: string; readonly code: string | undefined };

/** What is used here of Atomics.waitAsync, which lib ES2023 does not declare. */
declare global {
  interface Atomics {
    waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
}

/**
 * readTraces' default: DEFAULT_SCAN_AHEAD on the main thread of a machine with
 * a core for the worker; never on a worker thread (its reader's threads
 * already take the cores).
 */
export function defaultScanAhead(cores: number = availableParallelism()): ScanAhead | false {
  return isMainThread && cores >= 2 ? DEFAULT_SCAN_AHEAD : false;
}

/** Whether the file at `path` is one to scan ahead (false when it cannot be read: its error comes when it is read). */
export function scansAhead(path: string, ahead: ScanAhead): boolean {
  try {
    const info = statSync(path);
    return info.isFile() && info.size >= ahead.fromBytes;
  } catch {
    return false;
  }
}

/** The bytes of the file at `path` up to the first line start at or after `bytes` (or its end). */
function headRange(path: string, bytes: number): ByteRange {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    return { start: 0, end: bytes <= 0 ? 0 : bytes >= size ? size : lineStartFrom(fd, bytes, size) };
  } finally {
    closeSync(fd);
  }
}

/** An error the worker posted, as fileChunks would have thrown it (`code` for readError). */
function workerError(message: { readonly message: string; readonly code: string | undefined }): Error {
  return Object.assign(new Error(message.message), { code: message.code });
}

/** The runs of one posted batch, their scans named by `numbering`. */
function* batchRuns(batch: FromScanWorker & { kind: "runs" }, numbering: object): Generator<LineRun, void, undefined> {
  const { bytes, runs, records } = batch;
  let bytesStart = 0;
  let recordsStart = 0;
  for (let at = 0; at < runs.length; at += RUN_NUMBERS) {
    const bytesEnd = runs[at] as number;
    const recordsEnd = runs[at + 1] as number;
    const flags = runs[at + 2] as number;
    yield {
      bytes: Buffer.from(bytes.buffer, bytesStart, bytesEnd - bytesStart),
      scanned: {
        records: records.subarray(recordInts(recordsStart), recordInts(recordsEnd)),
        count: recordsEnd - recordsStart,
        plain: (flags & PLAIN) !== 0,
        ascii: (flags & ASCII) !== 0,
        numbering,
      },
    };
    bytesStart = bytesEnd;
    recordsStart = recordsEnd;
  }
}

/**
 * The runs of lines of the file at `path`, as straceBytes cuts them: its
 * first `ahead.headBytes` (up to a line start) read here while the worker
 * starts, the rest read and scanned on the worker; `onBytes` is told their
 * sizes as they come. With `youngGenerationGrows`, this thread's young
 * generation may grow from the worker's start on (see startWorker). A run and its scan are good until the next is asked
 * for. Throws the error met reading the file. Stopping the iteration stops
 * the worker.
 */
export async function* scannedRuns(
  path: string,
  ahead: ScanAhead,
  { youngGenerationGrows = false, onBytes }: { readonly youngGenerationGrows?: boolean; readonly onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<LineRun, void, undefined> {
  const head = headRange(path, ahead.headBytes);
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * Int32Array.BYTES_PER_ELEMENT));
  const { port1: port, port2 } = new MessageChannel();
  const task: ScanTask = { path, from: head.end, port: port2, control };
  const worker = startWorker(workerModule(new URL("./scan-worker.js", import.meta.url)), {
    workerData: task,
    transferList: [port2],
    youngGenerationGrows,
  });
  let failure: Error | undefined;
  worker.on("error", (error: Error) => (failure = error));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  // The worker's scanner numbers the names of this file's lines alone.
  const numbering = {};

  async function next(): Promise<FromScanWorker> {
    for (;;) {
      const received = receiveMessageOnPort(port);
      if (received !== undefined) return received.message as FromScanWorker;
      const wait = Atomics.waitAsync(control, POSTED, Atomics.load(control, POSTED));
      if (!wait.async) continue;
      if (await Promise.race([wait.value.then(() => true), exited.then(() => false)])) continue;
      // Exited: after its last message, or without one.
      const last = receiveMessageOnPort(port);
      if (last !== undefined) return last.message as FromScanWorker;
      throw failure ?? new Error("the scan worker stopped before the end of the file");
    }
  }

  try {
    if (head.end > 0) yield* lineRuns(onBytes === undefined ? fileChunks(path, head) : counted(fileChunks(path, head), onBytes));
    for (let done = 0; ; done++) {
      Atomics.store(control, DONE, done);
      Atomics.notify(control, DONE);
      const message = await next();
      if (message.kind === "end") return;
      if (message.kind === "failed") throw workerError(message);
      for (const run of batchRuns(message, numbering)) {
        onBytes?.(run.bytes.length);
        yield run;
      }
    }
  } finally {
    Atomics.store(control, STOPPED, 1);
    Atomics.notify(control, DONE);
    // Settles a wait for a message that will not come (the worker failed).
    Atomics.notify(control, POSTED);
    port.close();
    void worker.terminate();
  }
}
