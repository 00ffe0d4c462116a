/**
 * The worker side of scannedRuns (scan-ahead.ts): reads a strace log, cuts it
 * into runs of lines as straceBytes does, scans each run's lines, and posts
 * the runs with their scans in batches, written to SLOTS slots of shared
 * memory in turn.
 */
import { workerData } from "node:worker_threads";
import { CommonLineScanner, recordInts, runKind } from "./common-lines.js";
import { fileChunks, straceBytes } from "./line-runs.js";
import { ASCII, BATCH_BYTES, DONE, PLAIN, POSTED, SLOTS, STOPPED, type FromScanWorker, type ScanTask } from "./scan-ahead.js";

/** Records reserved per byte of a slot at first: lines of a trace are rarely shorter. */
const BYTES_PER_LINE = 32;

function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** A SharedArrayBuffer's view of `length` ints, holding `kept` (a shorter view) at its start. */
function sharedInts(length: number, kept?: Int32Array): Int32Array {
  const ints = new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
  if (kept !== undefined) ints.set(kept);
  return ints;
}

/**
 * Memory shared with the reader that a batch of runs and their records are
 * written to; each of SLOTS in turn. A batch is posted as views of it, so no
 * buffer is made per batch: one that outlived a few of the reader's
 * collections would pile up in its old space until a major one.
 */
class Slot {
  private bytes = sharedBytes(BATCH_BYTES);
  private records = sharedInts(recordInts(BATCH_BYTES / BYTES_PER_LINE));
  private used = 0;
  private recordCount = 0;
  private runs: number[] = [];

  get empty(): boolean {
    return this.used === 0;
  }

  fits(length: number): boolean {
    return this.empty || this.used + length <= this.bytes.length;
  }

  /** Adds `run` and the records `scanner` makes of its lines. */
  add(run: Buffer, scanner: CommonLineScanner): void {
    const { plain, ascii } = runKind(run);
    scanner.scanBytes(run, (records, count) => {
      this.addRecords(records.subarray(0, recordInts(count)));
      this.recordCount += count;
    });
    if (run.length > this.bytes.length) this.bytes = sharedBytes(run.length);
    this.bytes.set(run, this.used);
    this.used += run.length;
    this.runs.push(this.used, this.recordCount, (plain ? PLAIN : 0) | (ascii ? ASCII : 0));
  }

  private addRecords(records: Int32Array): void {
    const at = recordInts(this.recordCount);
    if (at + records.length > this.records.length) {
      this.records = sharedInts(Math.max(2 * this.records.length, at + records.length), this.records.subarray(0, at));
    }
    this.records.set(records, at);
  }

  /** The batch written, as posted; the slot is then empty, to be written again once the reader took it. */
  take(): FromScanWorker & { kind: "runs" } {
    const batch = { kind: "runs" as const, bytes: this.bytes, records: this.records, runs: this.runs };
    this.used = 0;
    this.recordCount = 0;
    this.runs = [];
    return batch;
  }
}

const { path, from, port, control } = workerData as ScanTask;
let posted = 0;

function stopped(): boolean {
  return Atomics.load(control, STOPPED) !== 0;
}

function send(message: FromScanWorker): void {
  port.postMessage(message);
  Atomics.store(control, POSTED, ++posted);
  Atomics.notify(control, POSTED);
}

/** Waits until the reader is done with the batch posted SLOTS batches ago (its slot is the next one's); false when it stopped. */
function slotFree(): boolean {
  for (let done = Atomics.load(control, DONE); posted - done >= SLOTS && !stopped(); done = Atomics.load(control, DONE)) {
    Atomics.wait(control, DONE, done);
  }
  return !stopped();
}

async function scan(): Promise<void> {
  const scanner = new CommonLineScanner();
  const slots = Array.from({ length: SLOTS }, () => new Slot());
  let slot = slots[0] as Slot;
  for await (const run of straceBytes(fileChunks(path, { start: from, end: Infinity }))) {
    if (!slot.fits(run.length)) {
      send(slot.take());
      if (!slotFree()) return;
      slot = slots[posted % SLOTS] as Slot;
    }
    slot.add(run, scanner);
  }
  if (!slot.empty) send(slot.take());
}

scan().then(
  () => send({ kind: "end" }),
  (error: unknown) => send({ kind: "failed", message: error instanceof Error ? error.message : String(error), code: (error as NodeJS.ErrnoException).code }),
);
