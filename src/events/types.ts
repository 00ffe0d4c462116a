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
  | { readonly call: "socket"; readonly domain: number; readonly type: number; readonly protocol: number | undefined }
  | { readonly call: "clone"; readonly flags: number }
  /** clone3's flags, read from its struct clone_args: behind a pointer, where a seccomp filter cannot read them. */
  | { readonly call: "clone3"; readonly flags: number }
  | { readonly call: "unshare"; readonly flags: number }
  | { readonly call: "personality"; readonly persona: number }
  | { readonly call: "prctl"; readonly option: number }
  | { readonly call: "kill"; readonly target: number; readonly signal: number }
  /** open, openat, openat2, creat (`flags` is O_CREAT|O_WRONLY|O_TRUNC for creat). */
  | { readonly call: "open"; readonly at: PathArg; readonly flags: number; readonly mode: number | undefined }
  /**
   * A call on one or more paths (stat, access, unlink, mkdir, rename, link, chdir, …): `paths` in
   * argument order; `flags` is the call's AT_* / RENAME_* flags argument where it has one.
   */
  | { readonly call: "path"; readonly paths: readonly PathArg[]; readonly flags: number | undefined }
  /** execve, execveat: the program as passed (`flags` is execveat's AT_* flags). */
  | { readonly call: "execve"; readonly at: PathArg; readonly flags: number | undefined }
  /**
   * A call on an open fd whose file later stages care about (fchdir, getdents, flock, fcntl,
   * ftruncate, fchmod, fchown, close): `op` is flock's operation or fcntl's command.
   */
  | { readonly call: "fd"; readonly fd: FdArg; readonly op: number | undefined }
  /** dup, dup2, dup3 (fcntl F_DUPFD is a "fd" call): `newFd` the fd asked for by dup2/dup3; the result is the new fd. */
  | { readonly call: "dup"; readonly fd: FdArg; readonly newFd: number | undefined }
  /** mmap, mmap2 (`fd` -1 for anonymous maps). */
  | { readonly call: "mmap"; readonly prot: number; readonly flags: number; readonly fd: FdArg }
  /** mprotect, pkey_mprotect. */
  | { readonly call: "mprotect"; readonly prot: number }
  /** bind, connect: the socket and the address, as far as strace decoded it. */
  | { readonly call: "address"; readonly fd: FdArg; readonly address: SocketAddress };

/** An fd argument, and what `-y`/`-yy` printed for it (`/etc/passwd`, `TCP:[…]`), unescaped. */
export interface FdArg {
  readonly fd: number;
  readonly decoration: string | undefined;
}

/**
 * A path argument: `path` relative to `dirfd` (AT_FDCWD = -100 for the current directory;
 * plain path calls have AT_FDCWD). `dirfd.decoration` is the directory `-y` printed for it,
 * which for AT_FDCWD is the process's cwd.
 */
export interface PathArg {
  readonly dirfd: FdArg;
  readonly path: string;
}

/**
 * A socket address: `family` is the AF_* number; `address` the IP address as text, the
 * unix socket path (`@name` for the abstract namespace) or undefined when strace did not
 * decode it; `port` for AF_INET/AF_INET6.
 */
export interface SocketAddress {
  readonly family: number;
  readonly address: string | undefined;
  readonly port: number | undefined;
}

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

/**
 * A call the reader did not ask to see (StraceParseOptions.detailed), the
 * first such call `pid` made since its first line or its last exit: it stands
 * for those after it, which make no event.
 */
export interface BriefCallsEvent {
  readonly kind: "brief";
  readonly pid: number;
  readonly pos: SourcePos;
}

/** A line the parser could not classify. Never dropped: surfaced to the user. */
export interface UnparsedLine {
  readonly kind: "unparsed";
  readonly reason: string;
  readonly text: string;
  readonly pos: SourcePos;
}

export type TraceEvent = SyscallEvent | BriefCallsEvent | SignalEvent | ExitEvent | PersonalityEvent | UnparsedLine;

/** Trace events one at a time, or in batches (faster for large traces: readTraces gives both). */
export type TraceEvents = Iterable<TraceEvent> | AsyncIterable<TraceEvent> | AsyncIterable<readonly TraceEvent[]>;

// ---------------------------------------------------------------------------
// Kernel audit records (src/parse/audit/): what only an audit log shows.
// Seccomp records (type=1326) become SyscallEvents; these are the rest.
// ---------------------------------------------------------------------------

/** `apparmor="…"` of an AppArmor record: ALLOWED is complain mode, DENIED enforce mode. */
export type AppArmorVerdict = "AUDIT" | "ALLOWED" | "DENIED" | "HINT" | "STATUS" | "ERROR" | "KILLED" | "AUTO";

/** What an AppArmor record says was asked for. Masks and names are the kernel's text (`"rw"`, `"send receive"`). */
export type AppArmorAccess =
  /** A file operation (`open`, `exec`, `mknod`, `link`, …); `path` is undefined when the kernel could not name it. */
  | {
      readonly what: "file";
      readonly path: string | undefined;
      readonly requested: string;
      readonly denied: string | undefined;
      /** `target=`: a link's or rename's other name, or an exec's profile transition. */
      readonly target: string | undefined;
      readonly fsuid: number | undefined;
      readonly ouid: number | undefined;
    }
  /** `capability=10 capname="net_bind_service"`. */
  | { readonly what: "capability"; readonly capability: number; readonly name: string }
  /** A socket operation: `family="inet" sock_type="stream" protocol=6`, with the addresses when logged. */
  | {
      readonly what: "network";
      readonly family: string;
      readonly sockType: string | undefined;
      readonly protocol: number | undefined;
      readonly requested: string | undefined;
      readonly denied: string | undefined;
      /** `addr=`/`laddr=lport`, `peer_addr=`/`faddr=fport` and the peer's label, where the kernel logged them. */
      readonly local: string | undefined;
      readonly remote: string | undefined;
      readonly peer: string | undefined;
    }
  /** `operation="signal" signal=term peer="…"`. */
  | { readonly what: "signal"; readonly requested: string; readonly signal: string; readonly peer: string | undefined }
  /** `operation="ptrace" requested_mask="read" peer="…"`. */
  | { readonly what: "ptrace"; readonly requested: string; readonly peer: string | undefined }
  /** Everything else (mount, dbus, userns, io_uring, mqueue, profile loads, …): its class and fields as logged. */
  | { readonly what: "other"; readonly class: string | undefined; readonly fields: Readonly<Record<string, string>> };

/** One AppArmor audit record (type=1400 / AVC, or an AppArmor-aware daemon's `apparmor="…"` line). */
export interface AppArmorEvent {
  readonly kind: "apparmor";
  readonly pid: number | undefined;
  readonly verdict: AppArmorVerdict;
  readonly operation: string;
  /** The profile (label) the task ran under; undefined only for records that name none. */
  readonly profile: string | undefined;
  readonly comm: string | undefined;
  readonly access: AppArmorAccess;
  /** `info="…"`: the kernel's reason when the record is not a plain policy decision ("Failed name lookup - disconnected path"). */
  readonly info: string | undefined;
  readonly pos: SourcePos;
}

/**
 * The kernel said it dropped audit records (`kauditd_printk_skb: 112 callbacks suppressed`,
 * `audit: audit_lost=5 …`, `audit: rate limit exceeded`): the log is incomplete.
 */
export interface AuditLossEvent {
  readonly kind: "audit-loss";
  /** How many records the line says were lost or suppressed, when it says. */
  readonly count: number | undefined;
  readonly text: string;
  readonly pos: SourcePos;
}

/** An audit record of a type that carries no seccomp or AppArmor decision (SYSCALL, PROCTITLE, SELinux AVC, …). */
export interface AuditOtherRecord {
  readonly kind: "audit-other";
  /** The record type as logged: `SYSCALL`, `1300`, … */
  readonly recordType: string;
  readonly pos: SourcePos;
}

export type AuditTraceEvent = AppArmorEvent | AuditLossEvent | AuditOtherRecord;

/** What the audit log reader emits: the strace parser's events (seccomp calls, unparsed lines) and the audit-only ones. */
export type AuditEvent = TraceEvent | AuditTraceEvent;
