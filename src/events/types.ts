/**
 * What a trace says a program did, independent of where it was read from
 * (strace logs today, kernel audit logs later). Parsers produce these; the
 * policy stage consumes them.
 */
import type { Arch } from "../syscalls/arch.js";

/** Where an event came from: the input's name as the user gave it, and its 1-based line. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
}

/** How a call ended, as the trace shows it. */
export type CallOutcome =
  /** `= 3`, `= 0x7f…`, `= 3</etc/passwd>`: `value` is the text after `=`, `decoration` what `-y` added. */
  | { readonly kind: "returned"; readonly value: string; readonly decoration?: string }
  /** `= -1 ENOENT (…)` or `= -1 (errno 512)`: `errno` is the symbol, or the number as text. */
  | { readonly kind: "failed"; readonly errno: string }
  /** `= ? ERESTARTSYS (…)`: interrupted, to be restarted by the kernel. */
  | { readonly kind: "interrupted"; readonly errno: string }
  /** `= ?`: the call ended without a value (exit, execve in another thread, …). */
  | { readonly kind: "unknown" }
  /** `<unfinished ...>` with no matching `<... resumed>` before the process went away. */
  | { readonly kind: "unfinished" };

/**
 * Arguments decoded for the calls later stages need. Symbolic constants and raw
 * numbers (`-X raw`) decode to the same numeric values. Variants are added as
 * the generators need them; a call without a decoder has `decoded: undefined`.
 */
export type DecodedArgs =
  | { readonly call: "socket"; readonly domain: number; readonly type: number; readonly protocol: number }
  | { readonly call: "clone"; readonly flags: number }
  | { readonly call: "unshare"; readonly flags: number }
  | { readonly call: "personality"; readonly persona: number }
  | { readonly call: "prctl"; readonly option: number }
  | { readonly call: "kill"; readonly target: number; readonly signal: number };

export interface SyscallEvent {
  readonly kind: "syscall";
  readonly pid: number;
  /** The ABI the call was made through: the tracee's personality at the time of the call. */
  readonly arch: Arch;
  /** The call's name in our syscall tables (strace's spelling mapped through the alias map). */
  readonly name: string;
  /** The number the kernel saw, when the trace printed it or the tables know the name. */
  readonly nr: number | undefined;
  /** The argument text between the parentheses, exactly as strace printed it. */
  readonly rawArgs: string;
  readonly decoded: DecodedArgs | undefined;
  readonly outcome: CallOutcome;
  /** `(INJECTED)` by strace's fault injection: the kernel never saw the call. */
  readonly injected: boolean;
  /** `(DELAYED)` by strace's delay injection. */
  readonly delayed: boolean;
  /** Pos of the line where the call started (its `<unfinished ...>` line when split). */
  readonly pos: SourcePos;
}

export interface SignalEvent {
  readonly kind: "signal";
  readonly pid: number;
  /** `SIGCHLD`, or for `--- stopped by SIGSTOP ---`, the stopping signal. */
  readonly signal: string;
  readonly stopped: boolean;
  readonly pos: SourcePos;
}

export interface ExitEvent {
  readonly kind: "exit";
  readonly pid: number;
  /** `+++ exited with N +++`: the exit status; `+++ killed by SIG… +++`: the signal. */
  readonly how: { readonly exited: number } | { readonly killedBy: string; readonly coreDumped: boolean };
  readonly pos: SourcePos;
}

export interface PersonalityEvent {
  readonly kind: "personality";
  readonly pid: number;
  /** The ABI the process runs in from here on (`[ Process PID=N runs in 32 bit mode. ]`). */
  readonly arch: Arch;
  readonly pos: SourcePos;
}

/** A line the parser could not classify. Never dropped: surfaced to the user. */
export interface UnparsedLine {
  readonly kind: "unparsed";
  readonly reason: string;
  readonly text: string;
  readonly pos: SourcePos;
}

export type TraceEvent = SyscallEvent | SignalEvent | ExitEvent | PersonalityEvent | UnparsedLine;
