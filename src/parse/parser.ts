/**
 * The stateful half of the strace parser: pairs `<unfinished ...>` with
 * `<... resumed>` per pid, follows each process's personality, maps strace's
 * names onto our tables, and turns classified lines into events.
 */
import type { CallOutcome, SourcePos, TraceEvent } from "../events/types.js";
import { ARCH_INFO, type Arch, type NativeArch } from "../syscalls/arch.js";
import { canonicalSyscallName, syscallName, syscallNumber, type SyscallName } from "../syscalls/index.js";
import { ALL_DECODED_KINDS, decodeArgs, type DecodedKind } from "./decode.js";
import { parseLine, type CallResult, type PersonalityMode } from "./line.js";

export interface StraceParseOptions {
  /** The input's name as the user gave it: every event's `pos.file`. */
  readonly file: string;
  /** The traced machine's native ABI; its compat modes come from personality lines. Default x86_64. */
  readonly native?: NativeArch;
  /** The pid of lines without a pid prefix: from a `-ff` file's name (see pidFromFfName). Default 0. */
  readonly pid?: number;
  /** Which kinds of arguments to decode; default all. Calls of other kinds get `decoded: undefined`. */
  readonly decode?: ReadonlySet<DecodedKind>;
}

/** The pid strace's `-ff` gave a file (`trace.1234` → 1234), or undefined. */
export function pidFromFfName(path: string): number | undefined {
  const match = /\.(\d+)$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

const MODES: Readonly<Record<NativeArch, Readonly<Partial<Record<PersonalityMode, Arch>>>>> = {
  x86_64: { "64 bit": "x86_64", "32 bit": "x86", x32: "x32" },
  aarch64: { "64 bit": "aarch64", "32 bit": "arm" },
};

interface PendingCall {
  readonly name: string;
  readonly nr: number | undefined;
  readonly arch: Arch;
  readonly args: string;
  readonly pos: SourcePos;
  readonly text: string;
  /** The thread whose `<pid changed to …>` moved this call here, when one did. */
  readonly movedFrom: number | undefined;
}

const UNFINISHED: CallOutcome = { kind: "unfinished" };
const UNKNOWN_SYSCALL = /^syscall_(0x[0-9a-f]+|\d+)$/;

export class StraceParser {
  private readonly native: NativeArch;
  private readonly defaultPid: number;
  private readonly kinds: ReadonlySet<DecodedKind>;
  private readonly pending = new Map<number, PendingCall>();
  private readonly archOf = new Map<number, Arch>();
  /** The personality of the last process seen: what strace gives a new process until it reports another. */
  private lastArch: Arch;

  constructor(private readonly options: StraceParseOptions) {
    this.native = options.native ?? "x86_64";
    this.defaultPid = options.pid ?? 0;
    this.kinds = options.decode ?? ALL_DECODED_KINDS;
    this.lastArch = this.native;
  }

  /** Parses line number `lineNo` (1-based, without its newline), appending its events to `out`. */
  line(text: string, lineNo: number, out: TraceEvent[]): void {
    const pos: SourcePos = { file: this.options.file, line: lineNo };
    const line = parseLine(text);
    switch (line.kind) {
      case "ignored":
        return;
      case "unparsed":
        out.push({ kind: "unparsed", reason: line.reason, text, pos });
        return;
      case "personality": {
        const arch = MODES[this.native][line.mode];
        if (arch === undefined) {
          out.push({ kind: "unparsed", reason: `no ${line.mode} mode on ${this.native}`, text, pos });
          return;
        }
        this.archOf.set(line.pid, arch);
        this.lastArch = arch;
        out.push({ kind: "personality", pid: line.pid, arch, pos });
        return;
      }
      case "signal":
        out.push({ kind: "signal", pid: line.pid ?? this.defaultPid, signal: line.signal, stopped: line.stopped, pos });
        return;
      case "exited":
      case "killed": {
        const pid = line.pid ?? this.defaultPid;
        this.flush(pid, out);
        this.archOf.delete(pid);
        const how = line.kind === "exited" ? { exited: line.status } : { killedBy: line.signal, coreDumped: line.coreDumped };
        out.push({ kind: "exit", pid, how, pos });
        return;
      }
      case "superseded":
        this.supersede(line.pid ?? this.defaultPid, line.oldPid, out);
        return;
      case "call": {
        const pid = line.pid ?? this.defaultPid;
        this.flush(pid, out);
        const arch = this.archFor(pid);
        out.push(this.event(pid, { name: line.name, nr: line.nr, arch, args: line.args, pos, text, movedFrom: undefined }, line.result));
        return;
      }
      case "unfinished": {
        const pid = line.pid ?? this.defaultPid;
        this.flush(pid, out);
        const call = { name: line.name, nr: line.nr, arch: this.archFor(pid), args: line.args, pos, text };
        this.suspend(pid, line.movedTo, call, out);
        return;
      }
      case "resumed": {
        const pid = line.pid ?? this.defaultPid;
        let started = this.pending.get(pid);
        if (started !== undefined && started.name !== line.name) {
          this.flush(pid, out);
          started = undefined;
        }
        this.pending.delete(pid);
        // A resumed call whose start is not in the trace (strace attached mid-call) still counts, here.
        const call = started ?? { name: line.name, nr: line.nr, arch: this.archFor(pid), args: "", pos, text };
        const joined = { ...call, args: call.args + line.args };
        if (line.result === undefined) this.suspend(pid, line.movedTo, joined, out);
        else out.push(this.event(pid, { ...joined, movedFrom: undefined }, line.result));
        return;
      }
    }
  }

  /** End of input: every call still pending never resumed. */
  end(out: TraceEvent[]): void {
    const calls = [...this.pending].sort(([, a], [, b]) => a.pos.line - b.pos.line);
    this.pending.clear();
    for (const [pid, call] of calls) out.push(this.event(pid, call, undefined));
  }

  private archFor(pid: number): Arch {
    let arch = this.archOf.get(pid);
    if (arch === undefined) {
      arch = this.lastArch;
      this.archOf.set(pid, arch);
    }
    this.lastArch = arch;
    return arch;
  }

  /** Holds an unfinished call, under the pid strace moved it to if it did (`<pid changed to N ...>`). */
  private suspend(pid: number, movedTo: number | undefined, call: Omit<PendingCall, "movedFrom">, out: TraceEvent[]): void {
    if (movedTo === undefined || movedTo === pid) {
      this.pending.set(pid, { ...call, movedFrom: undefined });
      return;
    }
    this.flush(movedTo, out);
    this.pending.set(movedTo, { ...call, movedFrom: pid });
  }

  /** `+++ superseded by execve in pid OLD +++` on `pid`: thread OLD exec'ed and now is `pid`. */
  private supersede(pid: number, oldPid: number, out: TraceEvent[]): void {
    const current = this.pending.get(pid);
    if (current?.movedFrom !== oldPid) {
      this.flush(pid, out);
      const moved = this.pending.get(oldPid);
      if (moved !== undefined) {
        this.pending.delete(oldPid);
        this.pending.set(pid, { ...moved, movedFrom: oldPid });
      }
    }
    const arch = this.archOf.get(oldPid);
    if (arch !== undefined) this.archOf.set(pid, arch);
    this.archOf.delete(oldPid);
  }

  /** Emits the pending call of `pid`, if any, as never resumed. */
  private flush(pid: number, out: TraceEvent[]): void {
    const call = this.pending.get(pid);
    if (call === undefined) return;
    this.pending.delete(pid);
    out.push(this.event(pid, call, undefined));
  }

  /** The event of a call; an unparsed line when its name or number is not in our tables. */
  private event(pid: number, call: PendingCall, result: CallResult | undefined): TraceEvent {
    const { arch, pos, text } = call;
    const unknown = UNKNOWN_SYSCALL.exec(call.name);
    let name: SyscallName | undefined;
    if (unknown) {
      const printed = Number(unknown[1]);
      const nr = printed < ARCH_INFO[arch].nrBase ? printed + ARCH_INFO[arch].nrBase : printed;
      name = syscallName(arch, nr);
      if (name === undefined) {
        return { kind: "unparsed", reason: `${call.name}: no syscall number ${nr} on ${arch}`, text, pos };
      }
    } else {
      name = canonicalSyscallName(arch, call.name);
      if (name === undefined) return { kind: "unparsed", reason: `${call.name}: not a syscall on ${arch}`, text, pos };
    }
    return {
      kind: "syscall",
      pid,
      arch,
      name,
      nr: syscallNumber(arch, name) ?? call.nr,
      rawArgs: call.args,
      decoded: decodeArgs(name, call.args, arch, this.kinds),
      outcome: result?.outcome ?? UNFINISHED,
      injected: result?.injected ?? false,
      delayed: result?.delayed ?? false,
      pos,
    };
  }
}
