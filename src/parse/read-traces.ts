/**
 * The CLI's way in: strace logs and kernel audit logs named on the command line
 * (`-` for stdin) read as one stream of events, with a report of what could not
 * be parsed, and a refusal of inputs that are neither.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { AppArmorEvent, AuditEvent, SourcePos, TraceEvent } from "../events/types.js";
import { InputError } from "../errors.js";
import type { NativeArch } from "../syscalls/arch.js";
import { looksLikeAuditLog } from "./audit/detect.js";
import { classifyLine } from "./audit/line.js";
import { auditLineEvent } from "./audit/record.js";
import type { DecodedKind } from "./decode.js";
import { pidFromFfName, StraceParser, type CallTally, type DetailedCalls } from "./parser.js";
import { decodeBytes } from "./bytes.js";
import { CollectionPacer } from "./collect-garbage.js";
import { linesOf } from "./stream.js";
import { counted, fileChunks, lineRuns, type LineRun } from "./line-runs.js";
import { defaultScanAhead, scansAhead, scannedRuns, type ScanAhead } from "./scan-ahead.js";
import type { ScannedLines } from "./common-lines.js";
import { readOnWorkers, type InputWorkers, type WorkerInput } from "./input-workers.js";

export interface ReadTracesOptions {
  /** Any unparsed line is an InputError (`--strict`) instead of a warning. */
  readonly strict: boolean;
  /** What `-` reads; default process.stdin. */
  readonly stdin?: AsyncIterable<Uint8Array | string>;
  /** Where relative paths are read from (events keep the paths as given); default the process's cwd. */
  readonly cwd?: string;
  readonly native?: NativeArch;
  readonly decode?: ReadonlySet<DecodedKind>;
  /** The calls whose events the reader reads; the others come as brief events (see StraceParseOptions.detailed). */
  readonly detailed?: DetailedCalls;
  /**
   * Where every call is counted, strace's and the seccomp records' of audit
   * logs: the events then hold none of them, or with `detailed` those of its
   * calls (and the records) still (see StraceParseOptions.tally).
   */
  readonly tally?: CallTally;
  /** Told the bytes read so far over all inputs, as they are read, and when reading ends. */
  readonly progress?: ReadProgress;
  /**
   * The name an input's events carry (their `pos.file`, and the tally's
   * files) given its name in the report and errors: its path as given, or
   * `<stdin>`. Default: that name.
   */
  readonly eventFile?: (file: string) => string;
  /**
   * Reads whole inputs (not stdin) on worker threads, their events taken in
   * input order (see readOnWorkers); not with `tally` or `eventFile`. The
   * workers' module reads with its own `decode` and `detailed`: these must be
   * the same.
   */
  readonly workers?: InputWorkers;
  /** Which files are read and scanned ahead on a worker thread, if any (see scan-ahead.ts); default defaultScanAhead(). */
  readonly scanAhead?: ScanAhead | false;
}

export interface ReadProgress {
  /** `totalBytes`: the inputs' sizes summed, undefined when one is unknown (stdin, a pipe). */
  update(bytesRead: number, totalBytes: number | undefined): void;
  /** Reading ended: all read, or stopped by an error. */
  end(): void;
}

export interface UnparsedPlace {
  readonly pos: SourcePos;
  readonly reason: string;
}

export interface TraceReport {
  readonly lines: number;
  readonly syscalls: number;
  readonly unparsed: number;
  /** The first few unparsed lines (at most FIRST_UNPARSED_SHOWN). */
  readonly firstUnparsed: readonly UnparsedPlace[];
  readonly audit: AuditReport;
}

/** What the inputs read as kernel audit logs held besides the calls of their seccomp records. */
export interface AuditReport {
  /** The inputs read as audit logs, in reading order. */
  readonly logs: readonly string[];
  readonly seccompRecords: number;
  /** AppArmor records: events of `withRecords` only (the AppArmor generator and verify read them). */
  readonly appArmorRecords: number;
  /** The kernel's notes that it dropped records, the first of them, and the records they say were dropped. */
  readonly lossNotes: number;
  readonly firstLoss: SourcePos | undefined;
  readonly lostRecords: number;
  /** Notes that do not say how many records were dropped (`audit: rate limit exceeded`). */
  readonly lossNotesUncounted: number;
  /** Lines with no seccomp or AppArmor decision: other kernel messages, other record types (SYSCALL, PROCTITLE, …). */
  readonly otherLines: number;
}

/** What readTraces emits with AppArmor records: the strace parser's events, and the AppArmor records of audit logs. */
export type ReadEvent = TraceEvent | AppArmorEvent;

export interface TraceReading {
  /** The events of every input, one input after another. Iterate one of `events`, `batches`, `withRecords`, `recordBatches`, once. */
  readonly events: AsyncIterable<TraceEvent>;
  /** The same events in batches (faster for large traces). */
  readonly batches: AsyncIterable<readonly TraceEvent[]>;
  /** The same events and, in their place, the AppArmor records of audit logs (for the AppArmor generator and verify). */
  readonly withRecords: AsyncIterable<ReadEvent>;
  /** `withRecords` in batches. */
  readonly recordBatches: AsyncIterable<readonly ReadEvent[]>;
  /** The counts so far: complete once the events have been consumed. */
  report(): TraceReport;
}

/** A report as a reading adds it up: its counts so far, and the inputs read apart added whole. */
export class ReportSum {
  lines = 0;
  syscalls = 0;
  unparsed = 0;
  private readonly firstUnparsed: UnparsedPlace[] = [];
  readonly audit: { -readonly [K in keyof AuditReport]: AuditReport[K] } & { logs: string[] } = {
    logs: [],
    seccompRecords: 0,
    appArmorRecords: 0,
    lossNotes: 0,
    firstLoss: undefined,
    lostRecords: 0,
    lossNotesUncounted: 0,
    otherLines: 0,
  };

  /** The first unparsed line counted so far. */
  get firstUnparsedPlace(): UnparsedPlace | undefined {
    return this.firstUnparsed[0];
  }

  /** `count` unparsed lines, the first of them `places`, numbered `lineShift` lines further on. */
  addUnparsed(count: number, places: readonly UnparsedPlace[], lineShift = 0): void {
    this.unparsed += count;
    for (const place of places) {
      if (this.firstUnparsed.length >= FIRST_UNPARSED_SHOWN) break;
      this.firstUnparsed.push({ pos: { file: place.pos.file, line: place.pos.line + lineShift }, reason: place.reason });
    }
  }

  /** Adds the report of a reading of the inputs after those counted so far. */
  add(report: TraceReport): void {
    this.lines += report.lines;
    this.syscalls += report.syscalls;
    this.addUnparsed(report.unparsed, report.firstUnparsed);
    const { audit } = this;
    audit.logs.push(...report.audit.logs);
    audit.seccompRecords += report.audit.seccompRecords;
    audit.appArmorRecords += report.audit.appArmorRecords;
    audit.lossNotes += report.audit.lossNotes;
    audit.firstLoss ??= report.audit.firstLoss;
    audit.lostRecords += report.audit.lostRecords;
    audit.lossNotesUncounted += report.audit.lossNotesUncounted;
    audit.otherLines += report.audit.otherLines;
  }

  report(): TraceReport {
    const { lines, syscalls, unparsed } = this;
    return { lines, syscalls, unparsed, firstUnparsed: [...this.firstUnparsed], audit: { ...this.audit, logs: [...this.audit.logs] } };
  }
}

export const STDIN_NAME = "<stdin>";
const FIRST_UNPARSED_SHOWN = 5;
const LF = 0x0a;
/**
 * This thread's collections while it reads traces (see CollectionPacer): one
 * per 256 MiB keeps peak memory from growing past a 256 MiB trace's, at
 * about 1% of the time.
 */
const collections = new CollectionPacer(256 << 20);
/** How much of an input's start is checked for NUL bytes (binary data). */
const BINARY_CHECK_CHARS = 64 * 1024;
const SUMMARY_HEADER = /^\s*% time\s+seconds/;
/** How much of an input's start (at least) decides whether it is an audit log. */
const DETECT_BYTES = 64 * 1024;

export interface FileCounts {
  lines: number;
  /** Lines that are neither blank nor unparsed. */
  understood: number;
  /** The first line that is not blank. */
  firstLine: number | undefined;
}

/** The runs of lines of an input (see straceBytes), their sizes told to `onBytes` as they are read. */
function inputRuns(path: string, options: ReadTracesOptions, onBytes: ((bytes: number) => void) | undefined): AsyncIterable<LineRun> {
  const tracked = (chunks: AsyncIterable<Uint8Array | string>) => lineRuns(onBytes === undefined ? chunks : counted(chunks, onBytes));
  if (path === "-") return tracked(options.stdin ?? process.stdin);
  const file = resolve(options.cwd ?? ".", path);
  const ahead = options.scanAhead ?? defaultScanAhead();
  if (ahead === false || !scansAhead(file, ahead)) return tracked(fileChunks(file));
  // A reading that makes events (not a census alone) is faster with a larger young generation (see scan-ahead.ts).
  const makesEvents = options.tally === undefined || options.detailed !== undefined;
  return scannedRuns(file, ahead, { youngGenerationGrows: makesEvents, onBytes });
}

/** The inputs' size in bytes, or undefined for stdin, a pipe or a path that cannot be read (its error comes when it is read). */
async function totalBytes(paths: readonly string[], cwd = "."): Promise<number | undefined> {
  try {
    const files = (await Promise.all(paths.map((path) => inputFiles(path, cwd)))).flat();
    const infos = await Promise.all(files.map((file) => (file === "-" ? undefined : stat(resolve(cwd, file)))));
    return infos.every((info) => info?.isFile() === true) ? infos.reduce((sum, info) => sum + (info?.size ?? 0), 0) : undefined;
  } catch {
    return undefined;
  }
}

export function readError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error));
  return new InputError(`${file}: cannot read (${why})`);
}

/**
 * `-ff` files (`NAME.PID`) by NAME, then by pid as a number (trace.999 before
 * trace.1000: a parent's file, whose forks its children inherit from, is
 * mostly read before theirs); ties and other files by name.
 */
function ffOrder(a: string, b: string): number {
  const key = (path: string) => {
    const pid = pidFromFfName(path);
    return { stem: pid === undefined ? path : path.slice(0, path.lastIndexOf(".")), pid: pid ?? -1 };
  };
  const [ka, kb] = [key(a), key(b)];
  if (ka.stem !== kb.stem) return ka.stem < kb.stem ? -1 : 1;
  if (ka.pid !== kb.pid) return ka.pid - kb.pid;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The files an input path names: itself, or the files of a `-ff` folder in pid order (see ffOrder). */
export async function inputFiles(path: string, cwd = "."): Promise<string[]> {
  if (path === "-") return [path];
  const info = await stat(resolve(cwd, path)).catch((error: unknown) => {
    throw readError(path, error);
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(resolve(cwd, path), { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(path, e.name));
  if (files.length === 0) throw new InputError(`${path}: an empty folder, no strace -ff files in it`);
  return files.sort(ffOrder);
}

/**
 * The runs of whole lines of one input (see straceBytes), refusing
 * binary data and `-c` summary tables as they appear at its start (`atStart`:
 * false for a part of a file after its start), and setting
 * `counts.firstLine`. Its reader adds the lines it reads to `counts.lines`.
 */
export async function* checkedRuns(
  file: string,
  runs: AsyncIterable<LineRun>,
  counts: FileCounts,
  atStart = true,
): AsyncGenerator<LineRun, void, undefined> {
  let checkedChars = atStart ? 0 : BINARY_CHECK_CHARS;
  const checking = () => counts.firstLine === undefined || checkedChars < BINARY_CHECK_CHARS;
  // The lines of the runs before, counted only while checking.
  let lineNo = 0;
  try {
    for await (const run of runs) {
      const { bytes } = run;
      for (let start = 0; start < bytes.length && checking(); ) {
        const lf = bytes.indexOf(LF, start);
        const end = lf < 0 ? bytes.length : lf;
        const line = decodeBytes(bytes, start, end);
        lineNo++;
        if (counts.firstLine === undefined && line.trim() !== "") {
          counts.firstLine = lineNo;
          if (atStart && SUMMARY_HEADER.test(line)) {
            throw new InputError("a strace -c summary table, not a trace (record with strace -f -o FILE, without -c)", {
              file,
              line: lineNo,
            });
          }
        }
        if (checkedChars < BINARY_CHECK_CHARS) {
          checkedChars += line.length;
          if (line.includes("\0")) throw new InputError("binary data, not a strace log", { file, line: lineNo });
        }
        start = end + 1;
      }
      yield run;
    }
  } catch (error) {
    throw error instanceof InputError ? error : readError(file, error);
  }
}

/**
 * Whether an input is a kernel audit log, judged on its first DETECT_BYTES (or
 * all of it when shorter), and its bytes from the start.
 */
async function sniffed(runs: AsyncGenerator<LineRun, void, undefined>): Promise<{ audit: boolean; runs: AsyncIterable<LineRun> }> {
  // Copies: a run is good only until the next is asked for.
  const head: LineRun[] = [];
  let length = 0;
  while (length < DETECT_BYTES) {
    const next = await runs.next();
    if (next.done === true) break;
    const { bytes, scanned } = next.value;
    head.push({ bytes: Buffer.from(bytes), scanned: scanned && { ...scanned, records: scanned.records.slice() } });
    length += bytes.length;
  }
  async function* replayed(): AsyncGenerator<LineRun, void, undefined> {
    yield* head;
    yield* runs;
  }
  const bytes = Buffer.concat(head.map((run) => run.bytes));
  return { audit: looksLikeAuditLog(decodeBytes(bytes, 0, bytes.length)), runs: replayed() };
}

/** Refuses an input, once read, that is empty or (unless an audit log) has no strace line. */
export function checkInputEnd(file: string, counts: FileCounts, audit: boolean): void {
  if (counts.firstLine === undefined) throw new InputError(`${file}: empty, not a strace log`);
  if (!audit && counts.understood === 0) {
    throw new InputError("not a strace log (no line of it reads as strace output)", { file, line: counts.firstLine });
  }
}

/** `--strict`'s error at the first unparsed line, of `unparsed` so far. */
export function strictError(first: UnparsedPlace, unparsed: number): InputError {
  return new InputError(`${first.reason} (--strict: ${unparsed} line(s) not understood)`, first.pos);
}

/** Reads the lines of a run of an input's bytes (see StraceParser.lines) into `out`. */
interface LinesReader {
  lines(bytes: Buffer, firstLine: number, out: ReadEvent[], scanned: ScannedLines | undefined): number;
  end(out: ReadEvent[]): void;
  /** The calls read so far that made no event of their own (see StraceParser.summarized). */
  readonly summarized: number;
}

/**
 * Reads strace logs and kernel audit logs (`-` is stdin), one after another; a
 * folder stands for the `-ff` files in it, in pid order. A `-ff` file
 * (`NAME.PID`) gives its pid to its unprefixed lines. An input whose start holds
 * a seccomp or AppArmor record or the kernel's note of dropped records (dmesg,
 * journalctl -k, audit.log) is read as an audit log: its seccomp records are
 * syscall events, the rest is counted in the report's `audit`. Throws InputError
 * (while iterating) for an unreadable input, binary data, a `-c` summary table,
 * an empty input or one with no strace line at all, and with `strict` at the
 * first input with an unparsed line.
 */
export function readTraces(paths: readonly string[], options: ReadTracesOptions): TraceReading {
  const sum = new ReportSum();
  const { audit } = sum;
  const { progress } = options;
  let bytesRead = 0;
  let total: number | undefined;

  /** Counts `events` of input `file`, read with `summarized` calls that made no event of their own. */
  function count(events: readonly ReadEvent[], file: string, counts: FileCounts, summarized: number): void {
    sum.syscalls += summarized;
    counts.understood += summarized;
    for (const event of events) {
      // A brief event's call is among its parser's summarized calls.
      if (event.kind === "brief") continue;
      if (event.kind === "syscall") sum.syscalls++;
      else if (event.kind === "unparsed") sum.addUnparsed(1, [{ pos: { file, line: event.pos.line }, reason: event.reason }]);
      if (event.kind !== "unparsed") counts.understood++;
    }
  }

  /**
   * One line of an audit log: its call or unreadable record into `out`, anything else counted;
   * true for a call counted into the tally alone.
   */
  function auditLine(file: string, text: string, line: number, out: ReadEvent[], records: boolean): boolean {
    const event: AuditEvent | undefined = auditLineEvent(text, { file, line }, undefined);
    if (event === undefined) return false;
    switch (event.kind) {
      case "apparmor":
        audit.appArmorRecords++;
        if (records) out.push(event);
        break;
      case "audit-loss":
        audit.lossNotes++;
        audit.firstLoss ??= event.pos;
        if (event.count === undefined) audit.lossNotesUncounted++;
        else audit.lostRecords += event.count;
        break;
      case "audit-other":
        audit.otherLines++;
        break;
      case "unparsed":
        // A dmesg or journal dump is mostly other kernel messages: they are counted, and
        // --strict passes them; only a record the reader cannot read is unparsed.
        if (classifyLine(event.text).kind === "record") out.push(event);
        else audit.otherLines++;
        break;
      case "syscall": {
        audit.seccompRecords++;
        options.tally?.count(event.pos.file, event.arch, event.name, event.pid, event.decoded);
        const tallied = options.tally !== undefined && options.detailed === undefined;
        if (!tallied) out.push(event);
        return tallied;
      }
      default:
        out.push(event);
    }
    return false;
  }

  function linesReader(path: string, file: string, audit: boolean, records: boolean): LinesReader {
    if (audit) {
      const reader = {
        summarized: 0,
        lines(bytes: Buffer, firstLine: number, out: ReadEvent[]): number {
          const batch = linesOf(decodeBytes(bytes, 0, bytes.length));
          batch.forEach((line, i) => {
            if (auditLine(file, line, firstLine + i, out, records)) reader.summarized++;
          });
          return batch.length;
        },
        end: () => undefined,
      };
      return reader;
    }
    return new StraceParser({
      file,
      native: options.native,
      pid: path === "-" ? undefined : pidFromFfName(path),
      decode: options.decode,
      detailed: options.detailed,
      tally: options.tally,
    });
  }

  async function* readOne(path: string, records: boolean): AsyncGenerator<readonly ReadEvent[], void, undefined> {
    const file = path === "-" ? STDIN_NAME : path;
    const counts: FileCounts = { lines: 0, understood: 0, firstLine: undefined };
    const unparsedBefore = sum.unparsed;
    const onBytes = progress && ((bytes: number) => progress.update((bytesRead += bytes), total));
    const { audit: isAudit, runs } = await sniffed(checkedRuns(file, inputRuns(path, options, onBytes), counts));
    if (isAudit) audit.logs.push(file);
    const reader = linesReader(path, options.eventFile?.(file) ?? file, isAudit, records);
    let summarized = 0;
    /** Counts the events `read` puts out, with the calls the reader summarized meanwhile. */
    const noted = (read: (out: ReadEvent[]) => void): ReadEvent[] => {
      const out: ReadEvent[] = [];
      read(out);
      count(out, file, counts, reader.summarized - summarized);
      summarized = reader.summarized;
      return out;
    };
    for await (const { bytes, scanned } of runs) {
      const out = noted((out) => (counts.lines += reader.lines(bytes, counts.lines + 1, out, scanned)));
      if (out.length > 0) yield out;
      await collections.read(bytes.length);
    }
    const out = noted((out) => reader.end(out));
    sum.lines += counts.lines;
    checkInputEnd(file, counts, isAudit);
    const first = sum.firstUnparsedPlace;
    if (options.strict && sum.unparsed > unparsedBefore && first !== undefined) throw strictError(first, sum.unparsed);
    if (out.length > 0) yield out;
  }

  /** The events of every input, the files read on `workers` (stdin here), as readOne would read them in turn. */
  async function* onWorkers(records: boolean, workers: InputWorkers): AsyncGenerator<readonly ReadEvent[], void, undefined> {
    // A path that cannot be listed fails at its turn, after the inputs before it.
    const listed = await Promise.all(paths.map((path) => inputFiles(path, options.cwd).catch((error: unknown) => error as Error)));
    const apart = listed.flatMap((files) => (files instanceof Error ? [] : files.filter((file) => file !== "-")));
    const reads = readOnWorkers(apart, options, records, workers, (bytes) => progress?.update((bytesRead += bytes), total));
    let next = 0;
    try {
      for (const files of listed) {
        if (files instanceof Error) throw files;
        for (const file of files) {
          if (file === "-") yield* readOne(file, records);
          else sum.add(yield* (reads.inputs[next++] as WorkerInput).batches());
        }
      }
    } finally {
      await reads.stop();
    }
  }

  /** The events of every input, with AppArmor records when `records`. */
  async function* batches(records: boolean): AsyncGenerator<readonly ReadEvent[], void, undefined> {
    if (progress !== undefined) total = await totalBytes(paths, options.cwd);
    const { workers } = options;
    try {
      const apart = workers !== undefined && workers.threads > 1 && options.tally === undefined && options.eventFile === undefined;
      if (apart) yield* onWorkers(records, workers);
      else {
        for (const path of paths) {
          for (const file of await inputFiles(path, options.cwd)) yield* readOne(file, records);
        }
      }
    } finally {
      progress?.end();
    }
  }

  return {
    // Without records, only TraceEvents are read.
    events: eventsOf(batches(false) as AsyncIterator<readonly TraceEvent[]>),
    batches: batches(false) as AsyncIterable<readonly TraceEvent[]>,
    withRecords: eventsOf(batches(true)),
    recordBatches: batches(true),
    report: () => sum.report(),
  };
}

/**
 * The events of `batches` one at a time. Each step is one resolved promise; an
 * async generator's `yield` costs several microtasks, per event.
 */
function eventsOf<E>(batches: AsyncIterator<readonly E[]>): AsyncIterableIterator<E> {
  let batch: readonly E[] = [];
  let next = 0;
  async function nextEvent(): Promise<IteratorResult<E, undefined>> {
    while (next === batch.length) {
      const result = await batches.next();
      if (result.done === true) return { done: true, value: undefined };
      batch = result.value;
      next = 0;
    }
    return { done: false, value: batch[next++] as E };
  }
  return {
    next: () => (next < batch.length ? Promise.resolve({ done: false, value: batch[next++] as E }) : nextEvent()),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The warning the CLI prints when lines were not understood (and not --strict), or undefined. */
export function unparsedWarning(report: TraceReport): string | undefined {
  if (report.unparsed === 0) return undefined;
  const places = report.firstUnparsed.map((u) => `${u.pos.file}:${u.pos.line} (${u.reason})`).join(", ");
  const more = report.unparsed > report.firstUnparsed.length ? ", …" : "";
  return `warning: ${report.unparsed} line(s) not understood as strace output or audit records and skipped: ${places}${more}; --strict makes this an error`;
}

/** How many records the kernel's notes say it dropped: a number, "at least N" or "an unknown number of". */
function lostCount(audit: AuditReport): string {
  if (audit.lossNotesUncounted === 0) return String(audit.lostRecords);
  return audit.lostRecords === 0 ? "an unknown number of" : `at least ${audit.lostRecords}`;
}

/**
 * What the CLI says about the inputs read as audit logs (without a `warning:` or
 * `note:` prefix): a warning when the kernel dropped records, since calls only
 * they showed are missing; notes on which inputs were read as audit logs and on
 * the records no trace event carries.
 */
export function auditMessages(report: TraceReport): { readonly warnings: readonly string[]; readonly notes: readonly string[] } {
  const { audit } = report;
  if (audit.logs.length === 0) return { warnings: [], notes: [] };
  const warnings: string[] = [];
  if (audit.firstLoss !== undefined) {
    const { file, line } = audit.firstLoss;
    warnings.push(
      `the kernel dropped ${lostCount(audit)} record(s): the log is incomplete (${audit.lossNotes} note(s) of dropped records, the first at ${file}:${line}); calls only they showed are missing`,
    );
  }
  const notes = [
    `${audit.logs.join(", ")} read as kernel audit log(s): ${audit.seccompRecords} seccomp record(s) (they carry no arguments), ${audit.otherLines} other kernel line(s) skipped`,
  ];
  if (audit.appArmorRecords > 0) {
    notes.push(
      `${audit.appArmorRecords} AppArmor record(s): profilesmith apparmor and verify --apparmor read them (seccomp ones skip them: they are not system calls)`,
    );
  }
  return { warnings, notes };
}
