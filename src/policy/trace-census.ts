/**
 * The policy of strace logs and audit logs, read on several cores: a strace
 * log in parts of about `partBytes` (parse/trace-parts.ts), each part counted
 * into a CallCensus apart (read-apart.ts) by a worker thread, or by this one
 * while it waits for a worker's part, the parts stitched in order by one
 * parser, which reads in turn the parts no one read apart; audit logs and
 * stdin read as readTraces reads them. The policy and the report are those of
 * reading everything in order, whatever the parts.
 */
import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import type { TraceEvent } from "../events/types.js";
import { looksLikeAuditLog } from "../parse/audit/detect.js";
import type { StraceParser } from "../parse/parser.js";
import { fileChunks } from "../parse/line-runs.js";
import { defaultScanAhead, scansAhead } from "../parse/scan-ahead.js";
import {
  checkInputEnd,
  inputFiles,
  readTraces,
  ReportSum,
  strictError,
  type FileCounts,
  type ReadProgress,
  type ReadTracesOptions,
  type TraceReport,
} from "../parse/read-traces.js";
import {
  PartOutput,
  partParser,
  readPart,
  traceParts,
  type OutputCounts,
  type PartOptions,
  type TracePart,
} from "../parse/trace-parts.js";
import { workerModule } from "../package-files.js";
import { readingCores, replyError, startWorker, type FailedReply } from "../worker-thread.js";
import { CallCensus } from "./from-events.js";
import { readApart, type PartResult } from "./read-apart.js";
import type { Policy } from "./model.js";

export interface TracePolicyOptions extends ReadTracesOptions {
  /**
   * Threads that read at most, this one among them; 1 reads everything in this
   * thread. Default: defaultThreads.
   */
  readonly jobs?: number;
  /** About how many bytes of a strace log one worker reads at a time; default 32 MiB. */
  readonly partBytes?: number;
}

export interface TracePolicy {
  readonly policy: Policy;
  readonly report: TraceReport;
}

/** A part for a worker to read. */
export interface PartTask {
  readonly part: TracePart;
  readonly options: PartOptions;
}

export type WorkerReply =
  | { readonly kind: "bytes"; readonly bytes: number }
  | PartResult
  | FailedReply;

export const DEFAULT_PART_BYTES = 32 * 2 ** 20;
/**
 * A worker thread takes about as long to start and warm up as reading two or
 * three parts, and slows this thread while it does: on 2 cores, two threads
 * beat one only from about 12 parts (384 MiB) of 32 MiB on (by 22% at 1 GiB).
 * By default a thread reads at least this many parts' worth.
 */
const PARTS_PER_THREAD = 6;
/** How much of a file's start decides whether it is an audit log (as readTraces decides). */
const DETECT_BYTES = 64 * 1024;

/**
 * The threads that read `partedBytes` of strace logs in parts of `partBytes`
 * by default on `cores` cores: one per PARTS_PER_THREAD parts, at least one,
 * at most readingCores. (So on 2 cores, one: a worker's 20 to 35 MiB would
 * make peak memory depend on the input's size, for a gain only on large ones.)
 */
export function defaultThreads(partedBytes: number, partBytes: number, cores: number): number {
  return Math.max(1, Math.min(readingCores(cores), Math.floor(partedBytes / (PARTS_PER_THREAD * partBytes))));
}

async function isAuditLog(path: string): Promise<boolean> {
  for await (const chunk of fileChunks(path, { start: 0, end: DETECT_BYTES })) {
    return looksLikeAuditLog(Buffer.from(chunk).toString("utf8"));
  }
  return false;
}

/** A part's reading apart from the lines before it (see readApart): its result, and whether it has come. */
interface ApartReading {
  readonly result: Promise<PartResult>;
  settled: boolean;
}

/**
 * The parts of the strace logs to read, in order, by up to `workers` worker
 * threads and by this thread: a worker takes the first part no one has taken
 * when it is free; this thread reads in turn a part no one has taken when
 * stitching comes to it (`take`), and while it waits for a worker's part,
 * reads the next free one apart (`awaitResult`).
 */
class PartPool {
  /** Each part's reading apart; `"in turn"` for a part this thread reads in turn. */
  private readonly readings = new Map<TracePart, ApartReading | "in turn">();
  private readonly threads: Worker[] = [];
  /** The index of the first part that may not be taken yet. */
  private next = 0;

  constructor(
    private readonly parts: readonly TracePart[],
    private readonly options: PartOptions,
    workers: number,
    private readonly onBytes: (bytes: number) => void,
  ) {
    // This thread reads the first part in turn, at once.
    const first = parts[0];
    if (first !== undefined) this.readings.set(first, "in turn");
    for (let i = 0; i < Math.min(workers, parts.length - 1); i++) {
      const worker = startWorker(workerModule(new URL("./census-worker.js", import.meta.url)));
      this.threads.push(worker);
      this.feed(worker);
    }
  }

  /** The first part no one has taken; undefined when all are. */
  private free(): TracePart | undefined {
    while (this.next < this.parts.length && this.readings.has(this.parts[this.next] as TracePart)) this.next++;
    return this.parts[this.next];
  }

  private reading(result: Promise<PartResult>): ApartReading {
    const reading: ApartReading = { result, settled: false };
    const settle = () => void (reading.settled = true);
    result.then(settle, settle);
    return reading;
  }

  private feed(worker: Worker): void {
    const part = this.free();
    if (part === undefined) return void worker.terminate();
    const result = new Promise<PartResult>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.kind === "bytes") return this.onBytes(reply.bytes);
        worker.off("message", onMessage);
        worker.off("error", reject);
        if (reply.kind === "done") resolve(reply);
        else reject(replyError(reply));
        this.feed(worker);
      };
      worker.on("message", onMessage);
      // A worker that dies fails the part it was reading.
      worker.on("error", reject);
    });
    this.readings.set(part, this.reading(result));
    worker.postMessage({ part, options: this.options } satisfies PartTask);
  }

  /** Whether this thread reads `part` in turn: no one had taken it, or it was the first. */
  take(part: TracePart): boolean {
    const reading = this.readings.get(part);
    if (reading !== undefined) return reading === "in turn";
    this.readings.set(part, "in turn");
    return true;
  }

  /** The result of a part read apart, this thread reading free parts apart meanwhile. */
  async awaitResult(part: TracePart): Promise<PartResult> {
    const reading = this.readings.get(part) as ApartReading;
    for (let ahead = this.free(); !reading.settled && ahead !== undefined; ahead = this.free()) {
      const read = this.reading(readApart(ahead, this.options, this.onBytes));
      this.readings.set(ahead, read);
      await read.result.catch(() => undefined);
    }
    return reading.result;
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((worker) => worker.terminate()));
  }
}

/**
 * The policy of the calls in `paths` (as policyFromEvents of readTraces), and
 * the reading's report, reading strace logs on up to `jobs` threads. Throws
 * InputError as readTraces does, at the same input.
 */
export async function policyOfTraces(paths: readonly string[], options: TracePolicyOptions): Promise<TracePolicy> {
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  const { progress } = options;
  const cwd = options.cwd ?? ".";

  // Each input is read whole in this thread (stdin, a pipe such as <(…), an audit log) or in parts.
  const inputs: Array<{ path: string; parts: TracePart[] | undefined }> = [];
  /** The inputs' sizes summed; undefined when one has none (stdin, a pipe). */
  let total: number | undefined = 0;
  /** The sizes of the strace logs read in parts, summed. */
  let partedBytes = 0;
  for (const path of (await Promise.all(paths.map((path) => inputFiles(path, cwd)))).flat()) {
    const located = resolve(cwd, path);
    const info = path === "-" ? undefined : await stat(located);
    total = info?.isFile() === true && total !== undefined ? total + info.size : undefined;
    const whole = info === undefined || !info.isFile() || (await isAuditLog(located));
    inputs.push({ path, parts: whole ? undefined : traceParts(located, path, info.size, partBytes) });
    if (!whole) partedBytes += info.size;
  }
  let bytesRead = 0;
  const onBytes = (bytes: number) => progress?.update((bytesRead += bytes), total);
  const parted = inputs.flatMap((input) => input.parts ?? []);
  const jobs = options.jobs ?? defaultThreads(partedBytes, partBytes, availableParallelism());
  const partOptions: PartOptions = { native: options.native, decode: options.decode };
  const pool = new PartPool(parted, partOptions, parted.length > 1 ? jobs - 1 : 0, onBytes);

  const census = new CallCensus();
  const tally = new ReportSum();
  // On one thread, a large strace log is read whole, scanned ahead on a worker (see scan-ahead.ts):
  // 256 MiB in 0.73 s instead of 0.87 s, 1 GiB in 1.85 s instead of 2.5 s, for 20 MiB more.
  const ahead = jobs === 1 ? (options.scanAhead ?? defaultScanAhead()) : false;
  try {
    for (const { path, parts } of inputs) {
      const scanned = parts !== undefined && ahead !== false && scansAhead(resolve(cwd, path), ahead);
      if (parts === undefined || scanned) {
        let readBefore = 0;
        const forwarded: ReadProgress = {
          update: (read) => {
            onBytes(read - readBefore);
            readBefore = read;
          },
          end: () => undefined,
        };
        const reading = readTraces([path], { ...options, progress: progress && forwarded, tally: scanned ? census : undefined, scanAhead: ahead });
        for await (const batch of reading.batches) census.addAll(batch);
        tally.add(reading.report());
        continue;
      }
      await stitch(path, parts, pool, census, tally, options, onBytes);
    }
  } finally {
    await pool.stop();
    progress?.end();
  }
  return { policy: census.policy(), report: tally.report() };
}

/** The counts of what the parser puts out while `work` runs, its events given to the census. */
function outside(parser: StraceParser, census: CallCensus, work: (out: TraceEvent[]) => void): OutputCounts {
  const output = new PartOutput(parser, (events) => census.addAll(events));
  const out: TraceEvent[] = [];
  work(out);
  output.note(out);
  return output.end();
}

/** Reads the parts of one strace log in order: from their readings apart where they can be used, else in turn. */
async function stitch(
  path: string,
  parts: readonly TracePart[],
  pool: PartPool,
  census: CallCensus,
  tally: ReportSum,
  options: TracePolicyOptions,
  onBytes: (bytes: number) => void,
): Promise<void> {
  // The parser of the file's start, which reads on through the parts.
  const parser = partParser(parts[0] as TracePart, { native: options.native, decode: options.decode }, census);
  const counts: FileCounts = { lines: 0, understood: 0, firstLine: undefined };
  const unparsedBefore = tally.unparsed;
  const add = (end: OutputCounts, lineShift: number) => {
    counts.firstLine ??= end.counts.firstLine === undefined ? undefined : end.counts.firstLine + counts.lines;
    counts.lines += end.counts.lines;
    counts.understood += end.counts.understood;
    tally.syscalls += end.syscalls;
    tally.addUnparsed(end.unparsed, end.firstUnparsed, lineShift);
  };
  for (const part of parts) {
    const result = pool.take(part) ? undefined : await pool.awaitResult(part);
    const base = counts.lines;
    const { carry, deferred } = result?.end ?? {};
    if (result !== undefined && carry !== undefined && deferred !== undefined && (part.index === 0 || parser.carry() !== undefined)) {
      add(
        outside(parser, census, (out) => {
          for (const line of deferred.lines) parser.line(line.text, base + line.line, out);
          parser.continueWith(deferred.started, carry, out);
        }),
        0,
      );
      census.absorb(result.census);
      add(result.end, base);
    } else {
      // The bytes of a part read again are not counted twice.
      const end = await readPart(part, parser, base + 1, (events) => census.addAll(events), result === undefined ? onBytes : () => undefined);
      add(end, 0);
    }
  }
  add(
    outside(parser, census, (out) => parser.end(out)),
    0,
  );
  tally.lines += counts.lines;
  checkInputEnd(path, counts, false);
  const first = tally.firstUnparsedPlace;
  if (options.strict && tally.unparsed > unparsedBefore && first !== undefined) throw strictError(first, tally.unparsed);
}
