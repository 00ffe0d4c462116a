/**
 * The stateful half of the strace parser: pairs `<unfinished ...>` with
 * `<... resumed>` per pid, follows each process's personality, maps strace's
 * names onto our tables, and turns classified lines into events.
 */
import type { CallOutcome, DecodedArgs, SourcePos, TraceEvent } from "../events/types.js";
import { ARCH_INFO, COMPAT_ARCHES, type Arch, type NativeArch } from "../syscalls/arch.js";
import { canonicalSyscallName, syscallName, syscallNumber, type SyscallName } from "../syscalls/index.js";
import { ALL_DECODED_KINDS, decodeArgs, decodedKindOf, type DecodedKind } from "./decode.js";
import { CommonLineScanner, commonLineShape, recordEnd, recordShape, runKind, type CommonLineShape, type ScannedLines } from "./common-lines.js";
import { commonLine, parseAnyLine, parseLine, type CallResult, type PersonalityMode, type StraceLine } from "./line.js";
import { decodeBytes } from "./bytes.js";

export interface StraceParseOptions {
  /** The input's name as the user gave it: every event's `pos.file`. */
  readonly file: string;
  /** The traced machine's native ABI; its compat modes come from personality lines. Default x86_64. */
  readonly native?: NativeArch;
  /** The pid of lines without a pid prefix: from a `-ff` file's name (see pidFromFfName). Default 0. */
  readonly pid?: number;
  /** Which kinds of arguments to decode; default all. Calls of other kinds get `decoded: undefined`. */
  readonly decode?: ReadonlySet<DecodedKind>;
  /**
   * The calls whose events the reader reads; any other call comes as a
   * BriefCallsEvent, whose lines of the common shapes are read without
   * building anything. Default: every call has its event, or with a tally none.
   * With a tally too, every call is counted into it and these still have
   * their events (one reading for both the seccomp census and AppArmor).
   */
  readonly detailed?: DetailedCalls;
  /**
   * The lines start in the middle of a trace (a part of a large trace read in
   * parallel): see `deferred()` and `carry()`.
   */
  readonly midTrace?: boolean;
  /**
   * Where to count syscalls instead of emitting their events, for readers
   * that only count calls (CallCensus): lines of the common shapes are then
   * read without building anything. Other events are emitted as usual, and so
   * are the calls made while the first process's pid is not known yet.
   */
  readonly tally?: CallTally;
}

/**
 * A test of a call's arguments as strace printed them: bytes `start` to `end`
 * of `bytes`, all ASCII (only lines of the common shapes are tested, and only
 * ASCII ones have them). Bytes, not a string: it runs on every such call.
 */
export type ArgsTest = (bytes: Uint8Array, start: number, end: number) => boolean;

/**
 * Calls by our tables' names, each with a test of its arguments when only
 * some of its calls matter: those it is true for, and it is when unsure. The
 * test spares the others their events on the fast path; a line of a rarer
 * shape has its event anyway. A call split by `<unfinished ...>` is tested on
 * the arguments before the split: a test must be true when the argument it
 * reads is not there.
 */
export type DetailedCalls = ReadonlyMap<string, ArgsTest | undefined>;

/** Counts calls in place of their events (see StraceParseOptions.tally). */
export interface CallTally {
  /** The kinds of arguments it counts calls by: it counts those calls from their events, decoded. */
  readonly decoded: ReadonlySet<DecodedKind>;
  count(file: string, arch: Arch, name: string, pid: number, decoded: DecodedArgs | undefined): void;
  /** Counts calls of `name` through `arch` in `file` by a pid, as `count` without decoded arguments (made on the first call). */
  counter(file: string, arch: Arch, name: string): (pid: number) => void;
}

/** A call waiting for its `<... resumed>` line. */
export interface PendingCall {
  readonly name: string;
  readonly nr: number | undefined;
  readonly arch: Arch;
  readonly args: string;
  readonly pos: SourcePos;
  /**
   * The line's text, quoted by an unparsed event should the call name nothing;
   * empty for a call counted in place (`counted`), which resolved already. (A
   * slice of the chunk would keep the whole chunk alive while the call waits.)
   */
  readonly text: string;
  /** The thread whose `<pid changed to …>` moved this call here, when one did. */
  readonly movedFrom: number | undefined;
}

/** A line left for the parser of the lines before (numbered from the part's start). */
export interface DeferredLine {
  readonly text: string;
  readonly line: number;
}

/**
 * The state a parser of the next part of a trace continues from (plain data),
 * when all else is as in a fresh parser: the pending calls by pid, and the
 * processes whose ABI is known (the native one: a new process takes the last
 * one seen, so which are known matters once another ABI is seen).
 */
export interface ParserCarry {
  readonly pending: ReadonlyArray<readonly [number, PendingCall]>;
  readonly known: readonly number[];
}

/** What the parser keeps of a process from one of its lines to the next. */
interface ProcessState {
  /** The ABI it runs in, once seen (see `archFor`); undefined again after it exits. */
  arch: Arch | undefined;
  /** Its call waiting for a `<... resumed>` line. */
  call: PendingCall | undefined;
}

/**
 * The processes' states by pid, in one map: a line of a common shape looks
 * its process up once for all it needs. A process keeps its entry from call
 * to call, until `forget`: a map that lost and gained a key at every call
 * would rehash its table every few dozen calls, and on a long trace those
 * tables were most of what the parser allocated that lived.
 */
class ProcessTable {
  private readonly states = new Map<number, ProcessState>();

  /** `pid`'s state, made empty if it had none. */
  of(pid: number): ProcessState {
    let state = this.states.get(pid);
    if (state === undefined) this.states.set(pid, (state = { arch: undefined, call: undefined }));
    return state;
  }

  call(pid: number): PendingCall | undefined {
    return this.states.get(pid)?.call;
  }

  setCall(pid: number, call: PendingCall): void {
    this.of(pid).call = call;
  }

  /** Ends the pending call of `pid`, if any, and returns it. */
  takeCall(pid: number): PendingCall | undefined {
    const state = this.states.get(pid);
    const call = state?.call;
    if (call !== undefined) (state as ProcessState).call = undefined;
    return call;
  }

  arch(pid: number): Arch | undefined {
    return this.states.get(pid)?.arch;
  }

  setArch(pid: number, arch: Arch): void {
    this.of(pid).arch = arch;
  }

  /** `pid`'s process is gone: its ABI is forgotten, and its entry with it unless a call is still pending there. */
  forget(pid: number): void {
    const state = this.states.get(pid);
    if (state === undefined) return;
    state.arch = undefined;
    if (state.call === undefined) this.states.delete(pid);
  }

  /** The pending calls, in the order their processes were first seen. */
  *calls(): Generator<[number, PendingCall], void, undefined> {
    for (const [pid, { call }] of this.states) if (call !== undefined) yield [pid, call];
  }

  /** The processes whose ABI is known, and it. */
  *arches(): Generator<[number, Arch], void, undefined> {
    for (const [pid, { arch }] of this.states) if (arch !== undefined) yield [pid, arch];
  }

  clearCalls(): void {
    for (const state of this.states.values()) state.call = undefined;
  }
}

/** The lines after which a process's pending call no longer depends on lines before a part's start. */
const RESETS: ReadonlySet<StraceLine["kind"]> = new Set(["call", "unfinished", "exited", "killed"]);

/** The pid strace's `-ff` gave a file (`trace.1234` → 1234), or undefined. */
export function pidFromFfName(path: string): number | undefined {
  const match = /\.(\d+)$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

const MODES: Readonly<Record<NativeArch, Readonly<Partial<Record<PersonalityMode, Arch>>>>> = {
  x86_64: { "64 bit": "x86_64", "32 bit": "x86", x32: "x32" },
  aarch64: { "64 bit": "aarch64", "32 bit": "arm" },
};

/** A pending call held under another pid (built as a literal: object spread is slow in V8). */
function moved(call: Omit<PendingCall, "movedFrom">, movedFrom: number | undefined): PendingCall {
  const { name, nr, arch, args, pos, text } = call;
  return { name, nr, arch, args, pos, text, movedFrom };
}

/** strace's name for a call it has no name for: `syscall_0x1c3` (6.x), `syscall_451` (older). */
const UNKNOWN_SYSCALL = /^syscall_(0x[0-9a-f]+|\d+)$/;

interface ResolvedName {
  readonly name: SyscallName;
  readonly nr: number | undefined;
}

/** What the parser knows of a strace name on one ABI (see `StraceParser.entry`). */
interface NameEntry {
  readonly resolved: ResolvedName | string;
  /** Whether `counted` may count its calls: resolved, and no event needed (see `eventless`). */
  readonly countable: boolean;
  /** For a call not countable, the test of its arguments that says whether this one needs its event (see DetailedCalls). */
  readonly detailIf: ArgsTest | undefined;
  /** The tally's counter of its calls (see CallTally.counter), made on the first. */
  counter: ((pid: number) => void) | undefined;
}

/** Our table's name for strace's (`syscall_0x1c3` by number), or why it has none. */
function resolveName(arch: Arch, straceName: string): ResolvedName | string {
  const unknown = UNKNOWN_SYSCALL.exec(straceName);
  if (!unknown) {
    const name = canonicalSyscallName(arch, straceName);
    return name === undefined ? `${straceName}: not a syscall on ${arch}` : { name, nr: syscallNumber(arch, name) };
  }
  const printed = Number(unknown[1]);
  const nr = printed < ARCH_INFO[arch].nrBase ? printed + ARCH_INFO[arch].nrBase : printed;
  const name = syscallName(arch, nr);
  return name === undefined ? `${straceName}: no syscall number ${nr} on ${arch}` : { name, nr };
}

/** Whether a call of this resolved name, with this `-n` number if printed, can be one of `arch`. */
function fitsCall(arch: Arch, resolved: ResolvedName | string, printedNr: number | undefined): boolean {
  if (typeof resolved === "string") return false;
  return printedNr === undefined || resolved.nr === printedNr || resolved.nr === printedNr + ARCH_INFO[arch].nrBase;
}

const TIPS_TOP = /^ {2}_{20,} /;

const UNFINISHED: CallOutcome = { kind: "unfinished" };
/** The calls whose result is a new process's (or thread's) pid. */
const FORKS: ReadonlySet<string> = new Set(["clone", "clone3", "fork", "vfork"]);
/** At most this many events wait for the root's pid; then they go out under the default pid. */
const HOLD_LIMIT = 10_000;

/**
 * The scanner of the parsers, one per thread: a parser scans a run of lines
 * within one call, so they take turns, and the scanner's memory and numbered
 * names outlive each parser (a large trace is read by a parser per part).
 */
let threadScanner: CommonLineScanner | undefined;

export class StraceParser {
  private readonly native: NativeArch;
  private readonly defaultPid: number;
  private readonly kinds: ReadonlySet<DecodedKind>;
  private readonly processes = new ProcessTable();
  private readonly entries = new Map<Arch, Map<string, NameEntry>>();
  /** The personality of the last process seen: what strace gives a new process until it reports another. */
  private lastArch: Arch;
  /** Whether a line without a pid prefix was seen (its pid is the default pid until the root's is known). */
  private sawUnprefixed = false;
  /**
   * Events held back, while the trace starts without pid prefixes, until the pid
   * of that first (root) process is known, so they carry it too; undefined once
   * released (at once for traces that start with a prefix or have `options.pid`).
   */
  private held: TraceEvent[] | undefined;
  /** The root process's pid: from a personality note or its first prefixed line. */
  private rootPid: number | undefined;
  private rootExited = false;
  /**
   * Pids the traced processes created (clone, fork, vfork results): never the
   * root. Kept only while the root process may still be unknown or lines come
   * without pid prefixes (tracksChildren): nothing else reads them, and a day's
   * trace of a forking service would grow them without end.
   */
  private readonly forked = new Set<number>();
  /** Those of them not exited yet. */
  private readonly live = new Set<number>();
  /** Whether strace's `--tips` box began: its lines are not trace lines. */
  private inTips = false;
  /** The start of a line strace cut with one of its own messages; the next line continues it. */
  private cut: DeferredLine | undefined;
  /** With `midTrace`: the processes whose lines no longer depend on the lines before the part. */
  private readonly started = new Set<number>();
  /** With `midTrace`: the lines of the other processes. */
  private readonly deferredLines: DeferredLine[] = [];
  /** With `midTrace`: whether some line needed state from before the part that `carry` cannot pass on. */
  private needsLinesBefore = false;
  /** The calls that made no event of their own so far: counted into `options.tally`, or summarized by brief events. */
  summarized = 0;
  /** The processes whose calls a brief event stands for since they started or last exited (see BriefCallsEvent). */
  private readonly briefed = new Set<number>();
  private readonly shape = commonLineShape();
  /** Scans the common lines it reads. */
  private readonly scanner: CommonLineScanner;
  /** Whose name numbers `names` and `numberedEntries` are by (see ScannedLines.numbering): this thread's scanner's, or another's. */
  private numbering: object | undefined;
  /** The names of calls by the scanner's numbers for them. */
  private readonly names: string[] = [];
  /** The entries (see `entry`) of the names the scanner numbers, by ABI, then by number. */
  private readonly numberedEntries = new Map<Arch, NameEntry[]>();
  /** The ABI of the last numbered entry looked up, and those entries of it. */
  private numberedArch: Arch | undefined;
  private numbered: NameEntry[] = [];

  constructor(private readonly options: StraceParseOptions) {
    this.native = options.native ?? "x86_64";
    this.defaultPid = options.pid ?? 0;
    const decode = options.decode ?? ALL_DECODED_KINDS;
    this.kinds = options.tally === undefined ? decode : new Set([...decode, ...options.tally.decoded]);
    this.lastArch = this.native;
    this.held = options.pid === undefined && options.midTrace !== true ? [] : undefined;
    this.scanner = threadScanner ??= new CommonLineScanner();
  }

  /**
   * With `midTrace`: the lines of processes before their first call, call start
   * or exit in the part (a `<... resumed>` line, a signal): their meaning
   * depends on the lines before, so the parser that read those parses them,
   * then `continueWith` the processes started here. Undefined when the part
   * cannot be read apart from the lines before it (lines without a pid prefix,
   * an execve superseding a thread not seen yet, a personality change): read it
   * after them instead.
   */
  deferred(): { readonly lines: readonly DeferredLine[]; readonly started: readonly number[] } | undefined {
    return this.needsLinesBefore ? undefined : { lines: this.deferredLines, started: [...this.started] };
  }

  /**
   * The state the next part's lines continue, or undefined when it is not
   * that of a fresh parser but for pending calls (a process runs in another
   * ABI, the root process is unknown, a `--tips` box or a cut line is open):
   * then the next part must be read by this parser, not apart.
   */
  carry(): ParserCarry | undefined {
    const arches = [...this.processes.arches()];
    const native = this.lastArch === this.native && arches.every(([, arch]) => arch === this.native);
    if (!native || this.sawUnprefixed || this.held !== undefined || this.inTips || this.cut !== undefined) return undefined;
    return { pending: [...this.processes.calls()], known: arches.map(([pid]) => pid) };
  }

  /**
   * Takes over from a part read apart, after its `deferred()` lines: the
   * processes it started end their pending calls here, and the pending calls
   * at its end (its `carry()`) become this parser's.
   */
  continueWith(started: readonly number[], carry: ParserCarry, out: TraceEvent[]): void {
    // The part's lines had pid prefixes (else no carry), so no root process is awaited.
    if (this.held !== undefined) this.release(out);
    for (const pid of started) {
      this.flush(pid, out);
      this.processes.forget(pid);
    }
    for (const [pid, call] of carry.pending) this.processes.setCall(pid, call);
    for (const pid of carry.known) this.processes.setArch(pid, this.native);
  }

  /** With `midTrace`: whether the line goes to `deferred()`; notes the processes it starts. */
  private defers(line: StraceLine): boolean {
    if (line.kind === "ignored" || line.kind === "unparsed") return false;
    if (line.pid === undefined) {
      this.needsLinesBefore = true;
      return false;
    }
    if (this.started.has(line.pid)) {
      if (line.kind === "superseded" && !this.started.has(line.oldPid)) this.needsLinesBefore = true;
      return false;
    }
    if (RESETS.has(line.kind)) {
      this.started.add(line.pid);
      return false;
    }
    if (line.kind === "personality") this.needsLinesBefore = true;
    return true;
  }

  /** Parses line number `lineNo` (1-based, without its newline), appending its events to `out`. */
  line(text: string, lineNo: number, out: TraceEvent[]): void {
    const shape = this.shape;
    this.numberedBy(this.scanner);
    const common = this.counts() && this.scanner.scanOne(text, shape);
    if (!(common && this.counted(text.slice(shape.nameStart, shape.nameEnd), text, lineNo, out))) this.uncounted(text, lineNo, out);
  }

  /**
   * Parses the lines of `bytes` (UTF-8, each ended by a LF but maybe the
   * last), the first numbered `firstLine`, appending their events to `out`;
   * returns how many there were. The common lines are scanned all at once,
   * here or ahead (`scanned`); those counted into the tally or a brief event
   * (see `counted`) make no string but their names'.
   */
  lines(bytes: Buffer, firstLine: number, out: TraceEvent[], scanned?: ScannedLines): number {
    if (scanned !== undefined) {
      this.numberedBy(scanned.numbering);
      return this.scannedLines(bytes, 0, firstLine, scanned.records, scanned.count, scanned.plain, scanned.ascii, out) - firstLine;
    }
    this.numberedBy(this.scanner);
    const { plain, ascii } = runKind(bytes);
    let lineNo = firstLine;
    this.scanner.scanBytes(bytes, (records, count, start) => {
      lineNo = this.scannedLines(bytes, start, lineNo, records, count, plain, ascii, out);
    });
    return lineNo - firstLine;
  }

  /** Parses the `count` lines of `bytes` from `start` that `records` describe, the first numbered `lineNo`; returns the next line's number. */
  private scannedLines(
    bytes: Buffer,
    start: number,
    lineNo: number,
    records: Int32Array,
    count: number,
    plain: boolean,
    ascii: boolean,
    out: TraceEvent[],
  ): number {
    const shape = this.shape;
    for (let record = 0; record < count; record++, lineNo++) {
      const end = recordEnd(records, record);
      const common = plain && recordShape(records, record, shape);
      if (!(common && this.counts() && this.counted(this.nameIn(bytes, shape), bytes, lineNo, out))) {
        const line = ascii ? bytes.toString("latin1", start, end) : decodeBytes(bytes, start, end);
        // The scan said whether the line is of a common shape: parseLine need not scan it again.
        this.uncounted(line, lineNo, out, ascii ? (common ? commonLine(line, shape, start) : parseAnyLine(line)) : undefined);
      }
      start = end + 1;
    }
    return lineNo;
  }

  /** Takes name numbers from here on from `numbering` (see ScannedLines): the names and entries by another's numbers are dropped. */
  private numberedBy(numbering: object): void {
    if (numbering === this.numbering) return;
    this.numbering = numbering;
    this.names.length = 0;
    this.numberedEntries.clear();
    this.numberedArch = undefined;
  }

  /** The name of the line `shape` describes in `bytes`: one string per name the scanner numbers. */
  private nameIn(bytes: Buffer, shape: CommonLineShape): string {
    const { nameId, nameStart, nameEnd } = shape;
    if (nameId < 0) return bytes.toString("latin1", nameStart, nameEnd);
    return (this.names[nameId] ??= bytes.toString("latin1", nameStart, nameEnd));
  }

  /** Whether the next line may be counted into the tally or a brief event (see `counted`). */
  private counts(): boolean {
    const summarizing = this.options.tally !== undefined || this.options.detailed !== undefined;
    return summarizing && this.held === undefined && this.cut === undefined;
  }

  /** A line as `line` parses it when not counted; `parsed` what parseLine makes of it, when known. */
  private uncounted(text: string, lineNo: number, out: TraceEvent[], parsed?: StraceLine): void {
    const sink = this.held ?? out;
    if (this.cut !== undefined) {
      const { text: start, line: startLine } = this.cut;
      this.cut = undefined;
      this.parsed(start + text, startLine, sink);
    } else {
      this.parsed(text, lineNo, sink, parsed);
    }
    const held = this.held;
    if (held === undefined) return;
    // A trace that starts with a prefix has no root to learn; otherwise wait for it, within limits.
    if (this.sawUnprefixed ? this.rootPid !== undefined || held.length >= HOLD_LIMIT : held.length > 0) this.release(out);
  }

  /** Emits the held events, those of the unprefixed root process under its pid when known. */
  private release(out: TraceEvent[]): void {
    const held = this.held ?? [];
    this.held = undefined;
    const root = this.rootPid;
    for (const event of held) {
      this.emit(out, root !== undefined && event.kind !== "unparsed" && event.pid === this.defaultPid ? { ...event, pid: root } : event);
    }
  }

  /**
   * Learns the root process's pid: the unprefixed lines so far were its own, so its
   * pending call and personality move to it.
   */
  private adoptRoot(pid: number): void {
    this.rootPid = pid;
    const processes = this.processes;
    if (processes.call(this.defaultPid) !== undefined && processes.call(pid) === undefined) {
      processes.setCall(pid, processes.takeCall(this.defaultPid) as PendingCall);
    }
    const arch = processes.arch(this.defaultPid);
    if (arch !== undefined && processes.arch(pid) === undefined) processes.setArch(pid, arch);
  }

  /** The pending call of the unprefixed root while its pid is still unknown. */
  private rootPending(): PendingCall | undefined {
    return this.held !== undefined && this.sawUnprefixed && this.rootPid === undefined
      ? this.processes.call(this.defaultPid)
      : undefined;
  }

  /** Whether a clone, fork or vfork is under way: its child may print before its result does. */
  private forking(): boolean {
    for (const [, call] of this.processes.calls()) if (FORKS.has(call.name)) return true;
    return false;
  }

  /**
   * A line that failed to parse may be one strace cut with a message of its own
   * when writing to stderr (`clone(…, flags=…|SIGCHLDstrace: Process 2714 attached`,
   * then `, child_tidptr=…) = 2714`): the message is parsed alone and the start is
   * joined with the next line.
   */
  private splitMessage(text: string, lineNo: number, out: TraceEvent[]): boolean {
    const at = text.lastIndexOf("strace: ");
    if (at <= 0) return false;
    const message = parseLine(text.slice(at));
    if (message.kind === "unparsed") return false;
    this.apply(message, text.slice(at), lineNo, out);
    this.cut = { text: text.slice(0, at), line: lineNo };
    return true;
  }

  private parsed(text: string, lineNo: number, out: TraceEvent[], line = parseLine(text)): void {
    if (this.options.midTrace === true && this.defers(line)) {
      this.deferredLines.push({ text, line: lineNo });
      return;
    }
    this.apply(line, text, lineNo, out);
  }

  private apply(line: StraceLine, text: string, lineNo: number, out: TraceEvent[]): void {
    const pos: SourcePos = { file: this.options.file, line: lineNo };
    switch (line.kind) {
      case "ignored":
        return;
      case "unparsed":
        if (this.splitMessage(text, lineNo, out)) return;
        // strace 6's `--tips` box (`  ______…`, then ASCII art) ends a trace; lines that parse still count.
        this.inTips ||= TIPS_TOP.test(text);
        if (!this.inTips) out.push({ kind: "unparsed", reason: line.reason, text, pos });
        return;
      case "personality": {
        const arch = MODES[this.native][line.mode];
        if (arch === undefined) {
          out.push({ kind: "unparsed", reason: `no ${line.mode} mode on ${this.native}`, text, pos });
          return;
        }
        // A trace that starts without pid prefixes may name its process here first.
        if (this.sawUnprefixed && this.rootPid === undefined && this.processes.arch(line.pid) === undefined) this.adoptRoot(line.pid);
        this.processes.setArch(line.pid, arch);
        this.lastArch = arch;
        out.push({ kind: "personality", pid: line.pid, arch, pos });
        return;
      }
      case "signal":
        out.push({ kind: "signal", pid: this.pidOf(line.pid), signal: line.signal, stopped: line.stopped, pos });
        return;
      case "exited":
      case "killed": {
        const pid = this.pidOf(line.pid);
        this.flush(pid, out);
        this.processes.forget(pid);
        this.live.delete(pid);
        this.briefed.delete(pid);
        if (pid === this.rootPid) this.rootExited = true;
        const how = line.kind === "exited" ? { exited: line.status } : { killedBy: line.signal, coreDumped: line.coreDumped };
        out.push({ kind: "exit", pid, how, pos });
        return;
      }
      case "superseded":
        this.supersede(this.pidOf(line.pid), line.oldPid, out);
        return;
      case "call": {
        const pid = this.pidOf(line.pid);
        this.flush(pid, out);
        const arch = this.callArch(pid, line.name, line.nr, pos, out);
        this.emit(out, this.event(pid, line, arch, pos, text, line.result));
        return;
      }
      case "unfinished": {
        const pid = this.pidOf(line.pid);
        this.flush(pid, out);
        const arch = this.callArch(pid, line.name, line.nr, pos, out);
        const call = { name: line.name, nr: line.nr, arch, args: line.args, pos, text, movedFrom: undefined };
        this.suspend(pid, line.movedTo, call, out);
        return;
      }
      case "resumed": {
        // The root's own call resuming under a prefix names the root, even while it forks.
        if (line.pid !== undefined && this.rootPending()?.name === line.name && !this.forked.has(line.pid)) {
          this.adoptRoot(line.pid);
        }
        const pid = this.pidOf(line.pid);
        let started = this.processes.takeCall(pid);
        if (started !== undefined && started.name !== line.name) {
          this.ended(pid, started, undefined, out);
          started = undefined;
        }
        // A resumed call whose start is not in the trace (strace attached mid-call) still counts, here.
        const call = started ?? { name: line.name, nr: line.nr, arch: this.archFor(pid), args: "", pos, text };
        const joined = {
          name: call.name,
          nr: call.nr,
          arch: call.arch,
          args: call.args + line.args,
          pos: call.pos,
          text: call.text,
          movedFrom: undefined,
        };
        if (line.result === undefined) this.suspend(pid, line.movedTo, joined, out);
        else this.ended(pid, joined, line.result, out);
        return;
      }
    }
  }

  /** End of input: every call still pending never resumed. */
  end(out: TraceEvent[]): void {
    if (this.held !== undefined) this.release(out);
    if (this.cut !== undefined) {
      const pos = { file: this.options.file, line: this.cut.line };
      out.push({ kind: "unparsed", reason: "line cut by a strace message, never continued", text: this.cut.text, pos });
      this.cut = undefined;
    }
    const calls = [...this.processes.calls()].sort(([, a], [, b]) => a.pos.line - b.pos.line);
    this.processes.clearCalls();
    for (const [pid, call] of calls) this.ended(pid, call, undefined, out);
  }

  /**
   * The ABI of a call `pid` starts. strace leaves its personality notes out of
   * a `-o` file unless run with `-e quiet=none`; the call itself then tells: a `-n` number
   * that is this name's number only in another ABI of the machine, or a name that
   * only one other ABI has (`mmap2`, `_llseek`). Such a switch is emitted as a
   * personality event at this line.
   */
  private callArch(pid: number, name: string, printedNr: number | undefined, pos: SourcePos, out: TraceEvent[]): Arch {
    const current = this.archFor(pid);
    if (fitsCall(current, this.resolve(current, name), printedNr) || UNKNOWN_SYSCALL.test(name)) return current;
    const others = [this.native, ...COMPAT_ARCHES[this.native]].filter(
      (a) => a !== current && fitsCall(a, this.resolve(a, name), printedNr),
    );
    // x32 numbers printed without their x32 bit are x86_64's: the native ABI wins a tie.
    const arch = others.includes(this.native) ? this.native : others.length === 1 ? others[0] : undefined;
    if (arch === undefined) return current;
    this.processes.setArch(pid, arch);
    this.lastArch = arch;
    out.push({ kind: "personality", pid, arch, pos });
    return arch;
  }

  /**
   * The pid of a line: its prefix, or for a line without one (`strace -f` to stderr
   * prefixes lines only while several processes live) the root process's once
   * known, after its exit the one process left, else the default pid.
   */
  private pidOf(prefix: number | undefined): number {
    if (prefix !== undefined) {
      if (this.held !== undefined && this.sawUnprefixed && this.rootPid === undefined && !this.forked.has(prefix) && !this.forking()) {
        this.adoptRoot(prefix);
      }
      return prefix;
    }
    this.sawUnprefixed = true;
    if (this.rootPid === undefined) return this.defaultPid;
    if (!this.rootExited) return this.rootPid;
    const [only] = this.live;
    return only !== undefined && this.live.size === 1 ? only : this.defaultPid;
  }

  /** Whether `forked` and `live` are kept (see `forked`). */
  private tracksChildren(): boolean {
    return this.held !== undefined || this.sawUnprefixed;
  }

  private archFor(pid: number): Arch {
    return this.archIn(this.processes.of(pid));
  }

  /** archFor of the process whose state is `state`. */
  private archIn(state: ProcessState): Arch {
    const arch = (state.arch ??= this.lastArch);
    this.lastArch = arch;
    return arch;
  }

  /** Holds an unfinished call, under the pid strace moved it to if it did (`<pid changed to N ...>`). */
  private suspend(pid: number, movedTo: number | undefined, call: PendingCall, out: TraceEvent[]): void {
    if (movedTo === undefined || movedTo === pid) {
      this.processes.setCall(pid, call);
      return;
    }
    // The call moves to a process whose pending call, if any, ends here.
    if (this.options.midTrace === true) this.started.add(movedTo);
    this.flush(movedTo, out);
    this.processes.setCall(movedTo, moved(call, pid));
  }

  /** `+++ superseded by execve in pid OLD +++` on `pid`: thread OLD exec'ed and now is `pid`. */
  private supersede(pid: number, oldPid: number, out: TraceEvent[]): void {
    const processes = this.processes;
    if (processes.call(pid)?.movedFrom !== oldPid) {
      this.flush(pid, out);
      const thread = processes.takeCall(oldPid);
      if (thread !== undefined) processes.setCall(pid, moved(thread, oldPid));
    }
    const arch = processes.arch(oldPid);
    if (arch !== undefined) processes.setArch(pid, arch);
    processes.forget(oldPid);
    this.live.delete(oldPid);
  }

  /** Emits the pending call of `pid`, if any, as never resumed. */
  private flush(pid: number, out: TraceEvent[]): void {
    const call = this.processes.takeCall(pid);
    if (call !== undefined) this.ended(pid, call, undefined, out);
  }

  /**
   * The event of a pending call ended by `result` (undefined: never resumed);
   * for one started in `counted` (its text left empty), whose arguments were
   * judged there, its count or brief event instead (see `countBy`).
   */
  private ended(pid: number, call: PendingCall, result: CallResult | undefined, out: TraceEvent[]): void {
    if (call.text === "") this.countBy(this.entry(call.arch, call.name), call.arch, pid, call.pos.line, out);
    else this.emit(out, this.event(pid, call, call.arch, call.pos, call.text, result));
  }

  /**
   * A call's event (see `event`) into `out`, or its count into the tally (see
   * StraceParseOptions.tally), or both (see StraceParseOptions.detailed).
   */
  private emit(out: TraceEvent[], event: TraceEvent): void {
    const tally = this.options.tally;
    if (tally === undefined || event.kind !== "syscall" || this.held !== undefined) {
      out.push(event);
      return;
    }
    tally.count(event.pos.file, event.arch, event.name, event.pid, event.decoded);
    if (this.options.detailed === undefined) this.summarized++;
    else out.push(event);
  }

  /**
   * Whether a call of our table's `name` may go without its event (see
   * `counted`): never a fork (the parser reads its child's pid); else as
   * `options.detailed` says, or without it, when no argument of it is decoded.
   */
  private eventless(name: string): boolean {
    return !FORKS.has(name) && this.options.detailed?.has(name) !== true && !this.tallyDecodes(name);
  }

  /** Whether the tally counts calls of `name` with their decoded arguments, from their events. */
  private tallyDecodes(name: string): boolean {
    const kind = decodedKindOf(name);
    return kind !== undefined && this.options.tally?.decoded.has(kind) === true;
  }

  /**
   * With a tally or `options.detailed`: counts the call of a line of a common
   * shape, whose parts `this.shape` holds and whose name is `name`, into the
   * tally or a brief event, as `parsed` would, without
   * making a line or an event; false for any line it leaves to
   * `parsed` (a call whose arguments or result matter, one that switches ABI
   * or starts a part's process, a resumed call of another name).
   */
  private counted(name: string, source: string | Buffer, lineNo: number, out: TraceEvent[]): boolean {
    const shape = this.shape;
    if (shape.pid === undefined) return false;
    const { pid, nr } = shape;
    const midTrace = this.options.midTrace === true;
    // One lookup of the process for all this line needs.
    const state = this.processes.of(pid);
    if (shape.kind === "resumed") {
      const started = state.call;
      if ((midTrace && !this.started.has(pid)) || started === undefined || started.name !== name) return false;
      // Named, a resumed call is what its start's name resolves to (resolveCall), whatever its `-n` number.
      const entry = this.numberedEntry(started.arch, name, shape.nameId);
      // A call started on this path (its text left empty) was judged on its arguments then.
      if (!(entry.countable || started.text === "")) return false;
      state.call = undefined;
      this.countBy(entry, started.arch, pid, started.pos.line, out);
      return true;
    }
    // As callArch: a call this process's ABI has stays in it (archFor's bookkeeping is the same either way).
    const arch = this.archIn(state);
    const entry = this.numberedEntry(arch, name, shape.nameId);
    if (!(entry.countable || this.needsNoDetail(entry, source)) || !fitsCall(arch, entry.resolved, nr)) return false;
    if (midTrace) this.started.add(pid);
    const unresumed = state.call;
    if (unresumed !== undefined) {
      state.call = undefined;
      this.ended(pid, unresumed, undefined, out);
    }
    if (shape.kind === "call") {
      this.countBy(entry, arch, pid, lineNo, out);
      return true;
    }
    const pos = { file: this.options.file, line: lineNo };
    const resolvedName = (entry.resolved as ResolvedName).name;
    state.call = { name: resolvedName === name ? resolvedName : name, nr, arch, args: "", pos, text: "", movedFrom: undefined };
    return true;
  }

  /** A call of `pid` started at line `lineNo` that the reader did not ask to see: a brief event, if the first since `pid` started or exited. */
  private brief(pid: number, lineNo: number, out: TraceEvent[]): void {
    if (!this.briefed.has(pid)) out.push({ kind: "brief", pid, pos: { file: this.options.file, line: lineNo } });
    this.briefed.add(pid);
  }

  /** Whether the call whose line `this.shape` describes in `source` fails its entry's test (see DetailedCalls). */
  private needsNoDetail(entry: NameEntry, source: string | Buffer): boolean {
    const test = entry.detailIf;
    if (test === undefined) return false;
    const { argsStart, argsEnd } = this.shape;
    if (typeof source !== "string") return !test(source, argsStart, argsEnd);
    const args = Buffer.from(source.slice(argsStart, argsEnd), "latin1");
    return !test(args, 0, args.length);
  }

  /**
   * A call of `entry` started at line `lineNo` that needs no event of its own
   * (see `counted`): into the tally, and with `options.detailed` summarized
   * by a brief event in `out`.
   */
  private countBy(entry: NameEntry, arch: Arch, pid: number, lineNo: number, out: TraceEvent[]): void {
    this.summarized++;
    const tally = this.options.tally;
    if (tally !== undefined) {
      entry.counter ??= tally.counter(this.options.file, arch, (entry.resolved as ResolvedName).name);
      entry.counter(pid);
    }
    if (this.options.detailed !== undefined) this.brief(pid, lineNo, out);
  }

  /** The event of a call; an unparsed line when its name or number is not in our tables. */
  private event(
    pid: number,
    call: { readonly name: string; readonly nr: number | undefined; readonly args: string },
    arch: Arch,
    pos: SourcePos,
    text: string,
    result: CallResult | undefined,
  ): TraceEvent {
    const resolved = this.resolveCall(arch, call.name, call.nr);
    if (typeof resolved === "string") return { kind: "unparsed", reason: resolved, text, pos };
    const { name } = resolved;
    if (FORKS.has(name) && result?.outcome.kind === "returned" && this.tracksChildren()) {
      const child = Number(result.outcome.value);
      this.forked.add(child);
      this.live.add(child);
    }
    return {
      kind: "syscall",
      pid,
      arch,
      name,
      nr: resolved.nr ?? call.nr,
      rawArgs: call.args,
      decoded: decodeArgs(name, call.args, arch, this.kinds),
      outcome: result?.outcome ?? UNFINISHED,
      injected: result?.injected ?? false,
      delayed: result?.delayed ?? false,
      pos,
    };
  }

  /** As resolve, but a name our tables spell differently is still named by the number `-n` printed. */
  private resolveCall(arch: Arch, straceName: string, printedNr: number | undefined): ResolvedName | string {
    const resolved = this.resolve(arch, straceName);
    if (typeof resolved !== "string" || printedNr === undefined) return resolved;
    const name = syscallName(arch, printedNr);
    return name === undefined ? resolved : { name, nr: printedNr };
  }

  /** Our table's name and number for strace's name of a call, or why there is none. */
  private resolve(arch: Arch, straceName: string): ResolvedName | string {
    return this.entry(arch, straceName).resolved;
  }

  /** `entry(arch, name)` for the name the scanner numbered `nameId` (-1: one it did not number). */
  private numberedEntry(arch: Arch, name: string, nameId: number): NameEntry {
    if (nameId < 0) return this.entry(arch, name);
    if (arch !== this.numberedArch) {
      let numbered = this.numberedEntries.get(arch);
      if (numbered === undefined) this.numberedEntries.set(arch, (numbered = []));
      this.numberedArch = arch;
      this.numbered = numbered;
    }
    return (this.numbered[nameId] ??= this.entry(arch, name));
  }

  /** What the parser knows of strace's name of a call on `arch` (memoized). */
  private entry(arch: Arch, straceName: string): NameEntry {
    let entries = this.entries.get(arch);
    if (entries === undefined) this.entries.set(arch, (entries = new Map()));
    let entry = entries.get(straceName);
    if (entry === undefined) {
      const resolved = resolveName(arch, straceName);
      const name = typeof resolved === "string" ? undefined : resolved.name;
      const countable = name !== undefined && this.eventless(name);
      // A detailed call's test may spare it its event, unless the parser or the tally needs that.
      const tested = name !== undefined && !FORKS.has(name) && !this.tallyDecodes(name);
      entry = { resolved, countable, detailIf: tested ? this.options.detailed?.get(name) : undefined, counter: undefined };
      // Keyed by the table's string where it is the same name: a long name sliced from a line would keep the line's chunk alive.
      entries.set(typeof resolved !== "string" && resolved.name === straceName ? resolved.name : straceName, entry);
    }
    return entry;
  }
}
