/**
 * The policy of strace logs and audit logs, read on several cores: a strace
 * log in parts of about `partBytes` (parse/trace-parts.ts), each part counted
 * into a CallCensus by a worker thread, the parts stitched in order by one
 * parser; audit logs and stdin read as readTraces reads them. The policy and
 * the report are those of reading everything in order, whatever the parts.
 */
import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { TraceEvent } from "../events/types.js";
import { InputError } from "../errors.js";
import { looksLikeAuditLog } from "../parse/audit/detect.js";
import type { StraceParser } from "../parse/parser.js";
import {
  checkInputEnd,
  fileChunks,
  inputFiles,
  readTraces,
  strictError,
  type FileCounts,
  type ReadProgress,
  type ReadTracesOptions,
  type TraceReport,
  type UnparsedPlace,
} from "../parse/read-traces.js";
import {
  PartOutput,
  partParser,
  readPart,
  traceParts,
  type OutputCounts,
  type PartEnd,
  type PartOptions,
  type TracePart,
} from "../parse/trace-parts.js";
import { workerModule } from "../package-files.js";
import { CallCensus, type CensusData } from "./from-events.js";
import type { Policy } from "./model.js";

export interface TracePolicyOptions extends ReadTracesOptions {
  /** Worker threads at most; default the cores available. 1 reads everything in this thread. */
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
  | { readonly kind: "done"; readonly census: CensusData; readonly end: PartEnd }
  | { readonly kind: "failed"; readonly message: string; readonly input: boolean };

type PartResult = Extract<WorkerReply, { kind: "done" }>;

const DEFAULT_PART_BYTES = 32 * 2 ** 20;
const FIRST_UNPARSED_SHOWN = 5;
/**
 * A worker's young generation, in MiB: a census reader allocates little that
 * lives, so a small one keeps peak memory down (158 MiB instead of 181 MiB on
 * a 256 MiB trace with two workers) at no measurable cost in time.
 */
const WORKER_YOUNG_MB = 4;
/** How much of a file's start decides whether it is an audit log (as readTraces decides). */
const DETECT_BYTES = 64 * 1024;

async function isAuditLog(path: string): Promise<boolean> {
  for await (const chunk of fileChunks(path, { start: 0, end: DETECT_BYTES })) {
    return looksLikeAuditLog(Buffer.from(chunk).toString("utf8"));
  }
  return false;
}

/**
 * Runs `tasks` on at most `jobs` worker threads, in order; a promise per task.
 * `stop` terminates the workers (idempotent).
 */
function runOnWorkers(tasks: readonly PartTask[], jobs: number, onBytes: (bytes: number) => void) {
  const results = tasks.map(() => {
    let settle!: { resolve: (result: PartResult) => void; reject: (error: Error) => void };
    const promise = new Promise<PartResult>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => undefined);
    return { promise, settle };
  });
  const workers: Worker[] = [];
  let next = 0;
  const feed = (worker: Worker) => {
    const index = next++;
    const task = tasks[index];
    if (task === undefined) {
      void worker.terminate();
      return;
    }
    const { settle } = results[index] as (typeof results)[number];
    const onMessage = (reply: WorkerReply) => {
      if (reply.kind === "bytes") return onBytes(reply.bytes);
      worker.off("message", onMessage);
      if (reply.kind === "done") settle.resolve(reply);
      else settle.reject(reply.input ? new InputError(reply.message) : new Error(reply.message));
      feed(worker);
    };
    worker.on("message", onMessage);
    worker.postMessage(task);
  };
  for (let i = 0; i < Math.min(jobs, tasks.length); i++) {
    const worker = new Worker(workerModule(new URL("./census-worker.js", import.meta.url)), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    // A worker that dies takes every part not read yet with it (a settled part stays settled).
    worker.on("error", (error) => results.forEach((r) => r.settle.reject(error)));
    workers.push(worker);
    feed(worker);
  }
  return { results: results.map((r) => r.promise), stop: () => Promise.all(workers.map((w) => w.terminate())) };
}

/** What one input adds to the report. */
class ReportTally {
  lines = 0;
  syscalls = 0;
  unparsed = 0;
  readonly firstUnparsed: UnparsedPlace[] = [];
  readonly readings: TraceReport[] = [];

  noteUnparsed(count: number, places: readonly UnparsedPlace[], lineShift: number): void {
    this.unparsed += count;
    for (const place of places) {
      if (this.firstUnparsed.length >= FIRST_UNPARSED_SHOWN) break;
      this.firstUnparsed.push({ pos: { file: place.pos.file, line: place.pos.line + lineShift }, reason: place.reason });
    }
  }

  report(): TraceReport {
    const audits = this.readings.map((r) => r.audit);
    const sum = (pick: (a: TraceReport["audit"]) => number) => audits.reduce((total, a) => total + pick(a), 0);
    return {
      lines: this.lines,
      syscalls: this.syscalls,
      unparsed: this.unparsed,
      firstUnparsed: this.firstUnparsed,
      audit: {
        logs: audits.flatMap((a) => a.logs),
        seccompRecords: sum((a) => a.seccompRecords),
        appArmorRecords: sum((a) => a.appArmorRecords),
        lossNotes: sum((a) => a.lossNotes),
        firstLoss: audits.find((a) => a.firstLoss !== undefined)?.firstLoss,
        lostRecords: sum((a) => a.lostRecords),
        lossNotesUncounted: sum((a) => a.lossNotesUncounted),
        otherLines: sum((a) => a.otherLines),
      },
    };
  }
}

/**
 * The policy of the calls in `paths` (as policyFromEvents of readTraces), and
 * the reading's report, reading strace logs on up to `jobs` threads. Throws
 * InputError as readTraces does, at the same input.
 */
export async function policyOfTraces(paths: readonly string[], options: TracePolicyOptions): Promise<TracePolicy> {
  const jobs = options.jobs ?? availableParallelism();
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  const { progress } = options;
  const cwd = options.cwd ?? ".";

  // Each input is read whole in this thread (stdin, a pipe such as <(…), an audit log) or in parts.
  const inputs: Array<{ path: string; parts: TracePart[] | undefined }> = [];
  /** The inputs' sizes summed; undefined when one has none (stdin, a pipe). */
  let total: number | undefined = 0;
  for (const path of (await Promise.all(paths.map((path) => inputFiles(path, cwd)))).flat()) {
    const located = resolve(cwd, path);
    const info = path === "-" ? undefined : await stat(located);
    total = info?.isFile() === true && total !== undefined ? total + info.size : undefined;
    const whole = info === undefined || !info.isFile() || (await isAuditLog(located));
    inputs.push({ path, parts: whole ? undefined : await traceParts(located, path, info.size, partBytes) });
  }
  let bytesRead = 0;
  const onBytes = (bytes: number) => progress?.update((bytesRead += bytes), total);
  const parted = inputs.flatMap((input) => input.parts ?? []);
  const partOptions: PartOptions = { native: options.native, decode: options.decode };
  const workers = parted.length > 1 && jobs > 1 ? runOnWorkers(parted.map((part) => ({ part, options: partOptions })), jobs, onBytes) : undefined;
  const resultOf = new Map(parted.map((part, i) => [part, workers?.results[i]]));

  const census = new CallCensus();
  const tally = new ReportTally();
  try {
    for (const { path, parts } of inputs) {
      if (parts === undefined) {
        let readBefore = 0;
        const forwarded: ReadProgress = {
          update: (read) => {
            onBytes(read - readBefore);
            readBefore = read;
          },
          end: () => undefined,
        };
        const reading = readTraces([path], { ...options, progress: progress && forwarded });
        for await (const batch of reading.batches) census.addAll(batch);
        const report = reading.report();
        tally.readings.push(report);
        tally.lines += report.lines;
        tally.syscalls += report.syscalls;
        tally.noteUnparsed(report.unparsed, report.firstUnparsed, 0);
        continue;
      }
      await stitch(path, parts, resultOf, census, tally, options, onBytes);
    }
  } finally {
    await workers?.stop();
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

/** Reads the parts of one strace log in order: from their workers' results where they can be used, else here. */
async function stitch(
  path: string,
  parts: readonly TracePart[],
  resultOf: ReadonlyMap<TracePart, Promise<PartResult> | undefined>,
  census: CallCensus,
  tally: ReportTally,
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
    tally.noteUnparsed(end.unparsed, end.firstUnparsed, lineShift);
  };
  for (const part of parts) {
    const result = await resultOf.get(part);
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
      // The workers' bytes of a part read again are not counted twice.
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
  const first = tally.firstUnparsed[0];
  if (options.strict && tally.unparsed > unparsedBefore && first !== undefined) throw strictError(first, tally.unparsed);
}
