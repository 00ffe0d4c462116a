/**
 * What a trace shows a workload did, in AppArmor's terms: which resolved paths
 * it opened how, which programs it ran, which socket families and types it
 * made, which capabilities its calls needed. Only calls that succeeded count
 * (a failed open is refused before AppArmor is asked, or by DAC), and metadata
 * calls (stat, access, readlink, …) count for nothing: the kernel does not
 * mediate them. AppArmor's own audit records (ALLOWED or DENIED) of the
 * profile being written say directly what was asked: each becomes the need
 * refine would derive from it (record-rules.ts).
 */
import type { AppArmorEvent, DecodedArgs, FdArg, PathArg, SourcePos, SyscallEvent, TraceEvent } from "../events/types.js";
import { ADDRESS_FAMILIES, AF_INET, AF_INET6, AF_UNIX, CLONE_FLAGS, FCNTL_COMMANDS, FLOCK_OPERATIONS, OPEN_FLAGS } from "../parse/constants.js";
import { callsDecodedAs } from "../parse/decode.js";
import type { ArgsTest, DetailedCalls } from "../parse/parser.js";
import { splitArgs } from "../parse/scan.js";
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { NETWORK_DOMAINS, NETWORK_TYPES } from "../policy/apparmor-vocabulary.js";
import { ARCH_INFO } from "../syscalls/arch.js";
import type { NetworkDomain, NetworkType, Rule } from "./profile.js";
import { UNIX_ACCESS, UNIX_TYPES } from "./profile.js";
import type { LinkSource } from "./resolve.js";
import { resolvePath } from "./resolve.js";
import { PidSet } from "./pid-set.js";
import { createsFile, neededRule } from "./record-rules.js";

/** What observe reads: trace events, and the AppArmor records of kernel audit logs. */
export type ObservedEvent = TraceEvent | AppArmorEvent;

/** One input's events, one at a time or in batches (readTraces gives both). */
export type ObservedEvents = Iterable<ObservedEvent> | AsyncIterable<ObservedEvent> | AsyncIterable<readonly ObservedEvent[]>;

/** File permission letters AppArmor checks, plus `x` for an exec. */
export type AccessLetter = "r" | "w" | "a" | "l" | "k" | "m" | "x";

export interface FileAccess {
  /** Resolved absolute path; a trailing `/` for a directory. */
  readonly path: string;
  readonly letters: Set<AccessLetter>;
  /** The workload made it (O_CREAT|O_EXCL, mkdir, mknod, symlink, bind): its name may be per-run. */
  created: boolean;
}

export type UnixType = (typeof UNIX_TYPES)[number];
export type UnixAccess = (typeof UNIX_ACCESS)[number];

export interface Observations {
  readonly files: Map<string, FileAccess>;
  /** `network` rules: `DOMAIN TYPE`, or `DOMAIN` for a type AppArmor has no name for. */
  readonly network: Set<`${NetworkDomain}${"" | ` ${NetworkType}`}`>;
  /** Capability → why (the first call that needed it). */
  readonly capabilities: Map<Capability, string>;
  readonly unix: Map<UnixType, Set<UnixAccess>>;
  /** Signal and ptrace rules AppArmor records asked for, by their text, in no particular order. */
  readonly recorded: Map<string, Rule>;
  /** ptrace attaches between the workload's own processes. */
  tracesOwn: boolean;
  /** /proc/PID files of processes outside the trace that were read (ps, top): the first such path, or undefined. */
  readsOtherProcess: string | undefined;
  /** Whether the workload runs as root (getuid and friends returned 0); undefined when the trace does not say. */
  root: boolean | undefined;
  /** Paths that could not be resolved (no `-y` decoration, recorded link or --root), with where they were seen. */
  readonly unresolved: Map<string, SourcePos>;
  readonly notes: string[];
}

export interface ObserveOptions {
  /** Symlink targets; undefined when neither recorded links nor --root were given. */
  readonly links: LinkSource | undefined;
  /**
   * The profile whose AppArmor records count: those of it or its children
   * (`NAME//…`), or every record when the records name one profile only.
   * Undefined: no record counts.
   */
  readonly profileName?: string;
}

const OPEN_COMMON = OPEN_FLAGS.x86_64;
const O_ACCMODE = OPEN_COMMON.O_ACCMODE as number;
const O_WRONLY = OPEN_COMMON.O_WRONLY as number;
const O_RDWR = OPEN_COMMON.O_RDWR as number;
const O_CREAT = OPEN_COMMON.O_CREAT as number;
const O_EXCL = OPEN_COMMON.O_EXCL as number;
const O_TRUNC = OPEN_COMMON.O_TRUNC as number;
const O_APPEND = OPEN_COMMON.O_APPEND as number;
const AT_REMOVEDIR = 0x200;
const PROT_EXEC = 0x4;
const LOCK_UN = FLOCK_OPERATIONS.LOCK_UN as number;
const LOCKING_FCNTL = new Set(["F_SETLK", "F_SETLKW", "F_SETLK64", "F_SETLKW64", "F_OFD_SETLK", "F_OFD_SETLKW"].map((n) => FCNTL_COMMANDS[n]));
const CLONE_THREAD = CLONE_FLAGS.CLONE_THREAD as number;
const CLONE_FILES = CLONE_FLAGS.CLONE_FILES as number;
const SOCK_TYPE_MASK = 0xf;
const SOCK_RAW = 3;
const AF_PACKET = ADDRESS_FAMILIES.AF_PACKET as number;
const PRIVILEGED_PORTS = 1024;
/** clone/unshare flags that need CAP_SYS_ADMIN (CLONE_NEWUSER needs none). */
const ADMIN_NAMESPACES = ["CLONE_NEWNS", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_NEWCGROUP"].reduce(
  (mask, name) => mask | (CLONE_FLAGS[name] as number),
  0,
);

/** Calls that succeed only with a capability, whoever makes them. */
const CALL_CAPABILITIES: Readonly<Record<string, Capability>> = {
  chroot: "sys_chroot",
  mount: "sys_admin",
  umount: "sys_admin",
  umount2: "sys_admin",
  pivot_root: "sys_admin",
  sethostname: "sys_admin",
  setdomainname: "sys_admin",
  swapon: "sys_admin",
  swapoff: "sys_admin",
  settimeofday: "sys_time",
  clock_settime: "sys_time",
  stime: "sys_time",
  reboot: "sys_boot",
  init_module: "sys_module",
  finit_module: "sys_module",
  delete_module: "sys_module",
  iopl: "sys_rawio",
  ioperm: "sys_rawio",
  acct: "sys_pacct",
  setuid: "setuid",
  setuid32: "setuid",
  setreuid: "setuid",
  setreuid32: "setuid",
  setresuid: "setuid",
  setresuid32: "setuid",
  setgid: "setgid",
  setgid32: "setgid",
  setregid: "setgid",
  setregid32: "setgid",
  setresgid: "setgid",
  setresgid32: "setgid",
  setgroups: "setgid",
  setgroups32: "setgid",
};

const FORKS = new Set(["clone", "clone3", "fork", "vfork"]);
const UID_CALLS = new Set(["getuid", "geteuid", "getuid32", "geteuid32"]);
const RESUID_CALLS = new Set(["getresuid", "getresuid32"]);
const CHOWN_CALLS: Readonly<Record<string, number>> = { chown: 1, chown32: 1, lchown: 1, lchown32: 1, fchown: 1, fchown32: 1, fchownat: 2 };
const UNIX_BY_FD_CALLS = new Set(["listen", "accept", "accept4"]);
const DUP_CALLS = new Set(["dup", "dup2", "dup3"]);
/** The path calls AppArmor mediates (see pathCall): not stat, access, readlink, statfs, xattrs, utimes, inotify. */
const PATH_CALLS = [
  "chdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat",
  "mknod", "mknodat", "truncate", "truncate64", "chmod", "fchmodat", "fchmodat2", "chown", "chown32", "lchown", "lchown32", "fchownat",
] as const;
type PathCall = (typeof PATH_CALLS)[number];
/** The fd calls whose fd's path counts (see fdCall). */
const FD_CALLS = ["getdents", "getdents64", "flock", "fcntl", "fcntl64", "fchdir", "ftruncate", "ftruncate64", "fchmod", "fchown", "fchown32"] as const;
type FdCall = (typeof FD_CALLS)[number];
/** Kinds of decoded arguments each call of which the observer reads. */
const READ_KINDS: readonly DecodedArgs["call"][] = ["open", "execve", "dup", "mmap", "socket", "address", "clone", "clone3", "unshare", "kill"];
const MMAP_CALLS: ReadonlySet<string> = new Set(callsDecodedAs(["mmap"]));

/** The flags a clone or clone3 call passed; 0 when not decoded. */
function cloneFlags(decoded: DecodedArgs | undefined): number {
  return decoded?.call === "clone" || decoded?.call === "clone3" ? decoded.flags : 0;
}

/** The index of the first `, ` in `bytes` from `from`, ending before `end`, or -1. */
function nextSeparator(bytes: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (bytes[i] === COMMA && bytes[i + 1] === SPACE) return i;
  return -1;
}

/** Whether bytes `start` to `end` are those of `word`. */
function bytesAre(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Whether an mmap's arguments, as strace printed them, may ask for PROT_EXEC
 * (what the observer reads of mmaps): its third argument is not in words
 * (`-X raw`, `-X verbose`) or names PROT_EXEC. The first two are numbers.
 */
export const mayMapExecutable: ArgsTest = (bytes, start, end) => {
  const second = nextSeparator(bytes, start, end);
  const third = second < 0 ? -1 : nextSeparator(bytes, second + 2, end);
  if (third < 0) return true;
  const protStart = third + 2;
  const next = nextSeparator(bytes, protStart, end);
  const protEnd = next < 0 ? end : next;
  if (!bytesAre(bytes, protStart, Math.min(protStart + 5, protEnd), "PROT_")) return true;
  for (let i = protStart; i < protEnd; i++) if (!isFlagChar(bytes[i] as number)) return true;
  for (let flag = protStart; flag < protEnd; ) {
    let bar = flag;
    while (bar < protEnd && bytes[bar] !== BAR) bar++;
    if (bytesAre(bytes, flag, bar, "PROT_EXEC")) return true;
    flag = bar + 1;
  }
  return false;
};

const BAR = 0x7c; // |
const COMMA = 0x2c;
const SPACE = 0x20;

/** A character of symbolic flags: `A-Z`, `_`, `|`. */
function isFlagChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === BAR;
}

/**
 * The calls whose events the observer reads: readTraces' `detailed` for AppArmor. Any
 * other (read, write, close, stat, an mmap that maps nothing executable, …) only
 * tells that its process is alive.
 */
export const APPARMOR_CALLS: DetailedCalls = new Map(
  [
    ...UID_CALLS, ...RESUID_CALLS, ...FORKS, ...Object.keys(CALL_CAPABILITIES), ...Object.keys(CHOWN_CALLS), "ptrace", ...UNIX_BY_FD_CALLS, ...DUP_CALLS,
    ...callsDecodedAs(READ_KINDS), ...PATH_CALLS, ...FD_CALLS,
  ].map((name) => [name, MMAP_CALLS.has(name) ? mayMapExecutable : undefined]),
);
/**
 * The kinds of decoded arguments the observer reads: what `readTraces` needs to decode for
 * AppArmor (other calls count by name alone, and most, reads, writes, closes, not at all).
 */
export const APPARMOR_DECODED_KINDS: ReadonlySet<DecodedArgs["call"]> = new Set([...READ_KINDS, "path", "fd"]);

function isOneOf<T extends string>(list: readonly T[], name: string): name is T {
  return (list as readonly string[]).includes(name);
}

const DOMAIN_NAMES: ReadonlyMap<number, NetworkDomain> = new Map(
  Object.entries(ADDRESS_FAMILIES)
    .map(([symbol, number]) => [number, symbol.replace(/^[AP]F_/, "").toLowerCase()] as const)
    .filter((entry): entry is readonly [number, NetworkDomain] => (NETWORK_DOMAINS as readonly string[]).includes(entry[1])),
);
const TYPE_NAMES: Readonly<Record<number, (typeof NETWORK_TYPES)[number]>> = { 1: "stream", 2: "dgram", 3: "raw", 4: "rdm", 5: "seqpacket", 10: "packet" };

type OpenFile = { readonly kind: "file"; readonly path: string } | { readonly kind: "socket"; readonly family: number; readonly type: number };

/** The path in a `-y`/`-yy` decoration (`/dev/null<char 1:3>` is /dev/null), or undefined for sockets, pipes, anon inodes. */
function filePath(decoration: string): string | undefined {
  if (!decoration.startsWith("/")) return undefined;
  return decoration.replace(/<(?:char|block) \d+:\d+>$/, "");
}

function succeeded(event: SyscallEvent): boolean {
  return !event.injected && event.outcome.kind === "returned";
}

/**
 * Errors a call returns after AppArmor let it through: a device refusing the open (`/dev/tty`
 * without a controlling terminal is ENXIO), a non-blocking connect under way. Under the
 * profile the same call must get as far, or the workload sees EACCES instead.
 */
const AFTER_MEDIATION_ERRNOS: Readonly<Record<string, ReadonlySet<string>>> = {
  open: new Set(["ENXIO", "ENODEV", "EBUSY", "EAGAIN", "EIO", "ENOMEDIUM"]),
  address: new Set(["EINPROGRESS", "ECONNREFUSED", "ETIMEDOUT", "EAGAIN"]),
};

function passedMediation(event: SyscallEvent): boolean {
  if (succeeded(event)) return true;
  const errnos = event.decoded === undefined ? undefined : AFTER_MEDIATION_ERRNOS[event.decoded.call];
  return !event.injected && event.outcome.kind === "failed" && errnos?.has(event.outcome.errno) === true;
}

function returnedNumber(event: SyscallEvent): number | undefined {
  return event.outcome.kind === "returned" ? Number(event.outcome.value) : undefined;
}

function where(pos: SourcePos): string {
  return `${pos.file}:${pos.line}`;
}

/** `where(a) < where(b)`, without making the two strings in the common case of one file (each path asks at every call). */
function whereLess(a: SourcePos, b: SourcePos): boolean {
  if (a.file !== b.file) return where(a) < where(b);
  return a.line !== b.line && String(a.line) < String(b.line);
}

/** Walks the events once, keeping the fd tables and working directories of live processes only: memory stays flat over long traces. */
class Observer {
  readonly result: Observations = {
    files: new Map(),
    network: new Set(),
    capabilities: new Map(),
    unix: new Map(),
    recorded: new Map(),
    tracesOwn: false,
    readsOtherProcess: undefined,
    root: undefined,
    unresolved: new Map(),
    notes: [],
  };
  /** Open files and working directories of live processes: they go when the process exits. */
  private readonly fds = new Map<number, Map<number, OpenFile>>();
  private readonly cwds = new Map<number, string>();
  /** Paths (without their slash) that a getdents showed to be directories: an fd open on one stands for it with its slash. */
  private readonly directories = new Set<string>();
  /** Every pid that made a call. */
  private readonly pids = new PidSet();
  /** Thread-group leader → its live threads (CLONE_THREAD children), and each such thread → its leader. */
  private readonly threads = new Map<number, Set<number>>();
  private readonly leaders = new Map<number, number>();
  /** Live processes whose fork has returned. */
  private readonly forked = new Set<number>();
  /** Processes that exited before the fork that made them returned (strace shows that order too): it gives them nothing. */
  private readonly exitedUnforked = new PidSet();
  /** The pid of the last call, which alive() has seen: traces run a process for many calls in a row. */
  private lastPid: number | undefined;
  /** Signals to pids not (yet) seen in the trace. */
  private readonly signalled: { target: number; pos: SourcePos }[] = [];
  /** chown targets, by `uid:gid`, with the least why: whether they need capability chown depends on the user id. */
  private readonly chowns = new Map<string, { uid: number; gid: number; why: string }>();
  private readonly uids = new Set<number>();
  private readonly records: AppArmorEvent[] = [];

  constructor(private readonly options: ObserveOptions) {}

  private fdTable(pid: number): Map<number, OpenFile> {
    let table = this.fds.get(pid);
    if (!table) this.fds.set(pid, (table = new Map()));
    return table;
  }

  private grant(path: string, letters: readonly AccessLetter[], created = false): void {
    let access = this.result.files.get(path);
    if (!access) this.result.files.set(path, (access = { path, letters: new Set(), created: false }));
    for (const letter of letters) access.letters.add(letter);
    access.created ||= created;
  }

  /** Records the capability with the least `why` (by code units), so the comment does not depend on trace order. */
  private capability(capability: Capability, why: string): void {
    const known = this.result.capabilities.get(capability);
    if (known === undefined || why < known) this.result.capabilities.set(capability, why);
  }

  /** The absolute path a path argument names, before symlinks: relative ones under the `-y` directory or the tracked cwd. */
  private absolute(pid: number, arg: PathArg): string | undefined {
    if (arg.path.startsWith("/")) return arg.path;
    const base = arg.dirfd.decoration ?? (arg.dirfd.fd === -100 ? this.cwds.get(pid) : this.fdPath(pid, arg.dirfd));
    if (base === undefined || !base.startsWith("/")) return undefined;
    return arg.path === "" ? base : `${base.replace(/\/$/, "")}/${arg.path}`;
  }

  /** The resolved path of a path argument, or undefined (recorded as unresolved). */
  private resolve(event: SyscallEvent, arg: PathArg, followLast: boolean, dir = false): string | undefined {
    const absolute = this.absolute(event.pid, arg);
    if (absolute === undefined) {
      this.unresolved(`${arg.path} (relative, directory unknown)`, event.pos);
      return undefined;
    }
    return this.resolveAbsolute(absolute, event.pos, followLast, dir);
  }

  private resolveAbsolute(absolute: string, pos: SourcePos, followLast: boolean, dir: boolean): string | undefined {
    const path = dir && !absolute.endsWith("/") ? `${absolute}/` : absolute;
    const links = this.options.links;
    if (links === undefined) {
      if (!path.startsWith("/proc/")) this.unresolved(path, pos);
      return path;
    }
    const resolved = resolvePath(path, links, followLast);
    if (resolved === undefined) this.unresolved(`${path} (symlink loop)`, pos);
    return resolved;
  }

  private unresolved(path: string, pos: SourcePos): void {
    const known = this.result.unresolved.get(path);
    if (known === undefined || whereLess(pos, known)) this.result.unresolved.set(path, pos);
  }

  /** Whether the resolved `path` is a directory as far as we can tell. */
  private isDirectory(path: string): boolean {
    return this.options.links?.isDirectory(path) === true;
  }

  private withDirSlash(path: string, dir: boolean): string {
    return (dir || this.isDirectory(path)) && !path.endsWith("/") ? `${path}/` : path;
  }

  /** The resolved path an fd argument stands for: the `-y` decoration, else what this process opened. */
  private fdPath(pid: number, fd: FdArg): string | undefined {
    if (fd.decoration !== undefined) return filePath(fd.decoration);
    const open = this.fds.get(pid)?.get(fd.fd);
    if (open?.kind !== "file") return undefined;
    return this.directories.has(open.path) ? `${open.path}/` : open.path;
  }

  private fdSocket(pid: number, fd: FdArg): OpenFile | undefined {
    const open = this.fds.get(pid)?.get(fd.fd);
    if (open?.kind === "socket") return open;
    const decoration = fd.decoration ?? "";
    if (decoration.startsWith("UNIX")) return { kind: "socket", family: AF_UNIX, type: /DGRAM/.test(decoration) ? 2 : 1 };
    return undefined;
  }

  event(event: ObservedEvent): void {
    if (event.kind === "apparmor") {
      if (event.verdict === "ALLOWED" || event.verdict === "DENIED") this.records.push(event);
      return;
    }
    if (event.kind === "exit") return this.exit(event.pid);
    if (event.kind !== "syscall" && event.kind !== "brief") return;
    if (event.pid !== this.lastPid) this.alive(event.pid);
    if (event.kind === "brief" || !APPARMOR_CALLS.has(event.name)) return;
    if (UID_CALLS.has(event.name) && succeeded(event)) this.uids.add(returnedNumber(event) ?? -1);
    if (RESUID_CALLS.has(event.name) && succeeded(event)) this.uids.add(Number(/\[(\d+)\]/.exec(event.rawArgs)?.[1] ?? -1));
    if (!passedMediation(event)) return;
    if (FORKS.has(event.name)) this.inherit(event.pid, returnedNumber(event), cloneFlags(event.decoded));
    const capability = CALL_CAPABILITIES[event.name];
    if (capability) this.capability(capability, `${event.name} at ${where(event.pos)}`);
    if (event.name in CHOWN_CALLS) this.chown(event);
    if (event.name === "ptrace") this.ptrace(event);
    const decoded = event.decoded;
    if (decoded) this.decoded(event, decoded);
    else if (UNIX_BY_FD_CALLS.has(event.name)) this.unixAccessByFd(event);
    else if (DUP_CALLS.has(event.name)) this.dup(event);
  }

  private decoded(event: SyscallEvent, decoded: DecodedArgs): void {
    switch (decoded.call) {
      case "open":
        return this.open(event, decoded);
      case "path":
        if (isOneOf(PATH_CALLS, event.name)) this.pathCall(event, event.name, decoded);
        return;
      case "execve": {
        const path = this.resolve(event, decoded.at, true);
        if (path !== undefined) this.grant(path, ["x"]);
        return this.execed(event.pid);
      }
      case "fd":
        if (isOneOf(FD_CALLS, event.name)) this.fdCall(event, event.name, decoded);
        return;
      case "dup":
        return this.dup(event);
      case "mmap": {
        const path = decoded.prot & PROT_EXEC && decoded.fd.fd >= 0 ? this.fdPath(event.pid, decoded.fd) : undefined;
        if (path !== undefined) this.grant(path, ["m"]);
        return;
      }
      case "socket":
        return this.socket(event, decoded);
      case "address":
        return this.address(event, decoded);
      case "clone":
      case "clone3":
      case "unshare":
        if (decoded.flags & ADMIN_NAMESPACES) this.capability("sys_admin", `${event.name} of a new namespace at ${where(event.pos)}`);
        return;
      case "kill":
        if (decoded.target > 0 && !this.pids.has(decoded.target)) this.signalled.push({ target: decoded.target, pos: event.pos });
        return;
      default:
        return;
    }
  }

  private open(event: SyscallEvent, decoded: Extract<DecodedArgs, { call: "open" }>): void {
    const native = ARCH_INFO[event.arch].native;
    const flags = decoded.flags;
    const table = OPEN_FLAGS[native];
    if (flags & (table.O_PATH as number)) return;
    const directory = (flags & (table.O_DIRECTORY as number)) !== 0;
    const decoration = event.outcome.kind === "returned" ? event.outcome.decoration : undefined;
    const decorated = decoration === undefined ? undefined : filePath(decoration);
    const resolved =
      decorated !== undefined
        ? this.withDirSlash(decorated, directory)
        : this.resolve(event, decoded.at, (flags & (table.O_NOFOLLOW as number)) === 0, directory);
    if (resolved === undefined) return;
    const path = this.withDirSlash(resolved, directory);
    const mode = flags & O_ACCMODE;
    const letters: AccessLetter[] = [];
    if (mode !== O_WRONLY) letters.push("r");
    const truncates = (flags & (O_TRUNC | O_CREAT)) !== 0;
    if (mode === O_WRONLY || mode === O_RDWR || truncates) letters.push(flags & O_APPEND && !truncates ? "a" : "w");
    this.grant(path, letters, (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL));
    const fd = returnedNumber(event);
    if (fd !== undefined && fd >= 0) this.fdTable(event.pid).set(fd, { kind: "file", path });
  }

  private pathCall(event: SyscallEvent, name: PathCall, decoded: Extract<DecodedArgs, { call: "path" }>): void {
    const [first, second] = decoded.paths;
    const flags = decoded.flags ?? 0;
    const at = (arg: PathArg | undefined, follow: boolean, dir = false) => (arg === undefined ? undefined : this.resolve(event, arg, follow, dir));
    const grant = (path: string | undefined, letters: readonly AccessLetter[], created = false) => {
      if (path !== undefined) this.grant(path, letters, created);
    };
    switch (name) {
      case "chdir": {
        const path = at(first, true);
        if (path !== undefined) this.cwds.set(event.pid, path.replace(/(.)\/$/, "$1"));
        return;
      }
      case "mkdir":
      case "mkdirat":
        return grant(at(first, false, true), ["w"], true);
      case "rmdir":
        return grant(at(first, false, true), ["w"]);
      case "unlink":
      case "unlinkat": {
        const dir = (flags & AT_REMOVEDIR) !== 0;
        const path = at(first, false, dir);
        return grant(path === undefined ? undefined : this.withDirSlash(path, dir), ["w"]);
      }
      case "rename":
      case "renameat":
      case "renameat2": {
        // apparmor_path_rename: the source needs r and w (read, write, delete), the target w (create).
        const source = at(first, false);
        const dir = source !== undefined && (this.result.files.get(`${source}/`) !== undefined || this.isDirectory(source));
        grant(source === undefined ? undefined : this.withDirSlash(source, dir), ["r", "w"]);
        return grant(at(second, false, dir), ["w"], true);
      }
      case "link":
      case "linkat":
        return grant(at(second, false), ["l"], true);
      case "symlink":
      case "symlinkat":
        return grant(at(first, false), ["w"], true);
      case "mknod":
      case "mknodat":
        if (/S_IF(CHR|BLK)/.test(event.rawArgs)) this.capability("mknod", `${event.name} of a device at ${where(event.pos)}`);
        return grant(at(first, false), ["w"], true);
      case "truncate":
      case "truncate64":
      case "chmod":
      case "fchmodat":
      case "fchmodat2":
      case "chown":
      case "chown32":
        return grant(at(first, true), ["w"]);
      case "lchown":
      case "lchown32":
        return grant(at(first, false), ["w"]);
      case "fchownat":
        return grant(at(first, (flags & 0x100) === 0), ["w"]);
      default:
        return name satisfies never;
    }
  }

  private fdCall(event: SyscallEvent, name: FdCall, decoded: Extract<DecodedArgs, { call: "fd" }>): void {
    const path = this.fdPath(event.pid, decoded.fd);
    switch (name) {
      case "getdents":
      case "getdents64":
        if (path !== undefined) this.relabelAsDirectory(path);
        return;
      case "flock":
        if (path !== undefined && decoded.op !== undefined && !(decoded.op & LOCK_UN)) this.grant(path, ["k"]);
        return;
      case "fcntl":
      case "fcntl64":
        if (path !== undefined && LOCKING_FCNTL.has(decoded.op)) this.grant(path, ["k"]);
        if (decoded.op === FCNTL_COMMANDS.F_DUPFD || decoded.op === FCNTL_COMMANDS.F_DUPFD_CLOEXEC) this.dup(event);
        return;
      case "fchdir":
        if (path !== undefined) this.cwds.set(event.pid, path.replace(/(.)\/$/, "$1"));
        return;
      case "ftruncate":
      case "ftruncate64":
      case "fchmod":
      case "fchown":
      case "fchown32":
        if (path !== undefined) this.grant(path, ["w"]);
        return;
      default:
        return name satisfies never;
    }
  }

  /** A path first seen as a file turns out to be a directory (getdents on it): `/etc` becomes `/etc/`. */
  private relabelAsDirectory(path: string): void {
    const dir = path.endsWith("/") ? path : `${path}/`;
    const asFile = this.result.files.get(path);
    if (asFile && path !== dir) {
      this.result.files.delete(path);
      this.grant(dir, [...asFile.letters], asFile.created);
    } else this.grant(dir, ["r"]);
    // Noted, not rewritten into every process's fd table: that took a pass over all their open files per getdents.
    if (path !== dir) this.directories.add(path);
  }

  /**
   * A new process or thread starts with its parent's working directory and
   * open files: the same table of them with CLONE_FILES (every thread), as the
   * kernel has it, else a copy.
   */
  private inherit(parent: number, child: number | undefined, flags: number): void {
    if (child === undefined || !(child > 0) || this.exitedUnforked.delete(child)) return;
    this.forked.add(child);
    if (flags & CLONE_THREAD) {
      const leader = this.leaders.get(parent) ?? parent;
      this.leaders.set(child, leader);
      let threads = this.threads.get(leader);
      if (!threads) this.threads.set(leader, (threads = new Set()));
      threads.add(child);
    }
    const cwd = this.cwds.get(parent);
    if (cwd !== undefined && !this.cwds.has(child)) this.cwds.set(child, cwd);
    if (this.fds.has(child)) return;
    if (flags & CLONE_FILES) this.fds.set(child, this.fdTable(parent));
    else {
      const fds = this.fds.get(parent);
      if (fds !== undefined) this.fds.set(child, new Map(fds));
    }
  }

  /** `pid` made a call: it is part of the workload, and alive (again, if it exited before: pids are reused). */
  private alive(pid: number): void {
    this.pids.add(pid);
    this.exitedUnforked.delete(pid);
    this.lastPid = pid;
  }

  /** After an exec the process has one thread, `pid` (strace shows a thread's exec under the leader's pid): the others are gone. */
  private execed(pid: number): void {
    const threads = [...(this.threads.get(this.leaders.get(pid) ?? pid) ?? [])];
    for (const thread of threads) if (thread !== pid) this.exit(thread);
    // exec unshares the table of open files (a CLONE_FILES child that is no thread may still share it).
    const fds = this.fds.get(pid);
    if (fds !== undefined) this.fds.set(pid, new Map(fds));
  }

  /** A process or thread is gone, and with a thread-group leader its threads (one that exec'ed has no exit line). */
  private exit(pid: number): void {
    this.lastPid = undefined;
    this.fds.delete(pid);
    this.cwds.delete(pid);
    if (!this.forked.delete(pid)) this.exitedUnforked.add(pid);
    const leader = this.leaders.get(pid);
    if (leader !== undefined) {
      this.threads.get(leader)?.delete(pid);
      this.leaders.delete(pid);
    }
    const threads = this.threads.get(pid);
    this.threads.delete(pid);
    for (const thread of threads ?? []) this.exit(thread);
  }

  private dup(event: SyscallEvent): void {
    const oldFd = Number(splitArgs(event.rawArgs)[0]?.replace(/<.*$/, ""));
    const newFd = returnedNumber(event);
    const open = this.fds.get(event.pid)?.get(oldFd);
    if (open !== undefined && newFd !== undefined && newFd >= 0) this.fdTable(event.pid).set(newFd, open);
  }

  private socket(event: SyscallEvent, decoded: Extract<DecodedArgs, { call: "socket" }>): void {
    const type = decoded.type & SOCK_TYPE_MASK;
    const domain = DOMAIN_NAMES.get(decoded.domain);
    const typeName = TYPE_NAMES[type];
    if (domain === undefined) {
      this.result.notes.push(`socket family ${decoded.domain} at ${where(event.pos)} has no AppArmor name: no network rule`);
      return;
    }
    this.result.network.add(typeName ? `${domain} ${typeName}` : domain);
    if (type === SOCK_RAW && (decoded.domain === AF_INET || decoded.domain === AF_INET6)) this.capability("net_raw", `raw socket at ${where(event.pos)}`);
    if (decoded.domain === AF_PACKET) this.capability("net_raw", `packet socket at ${where(event.pos)}`);
    if (decoded.domain === AF_UNIX) {
      const unixType = UNIX_TYPE_NAMES[type];
      if (unixType && !this.result.unix.has(unixType)) this.result.unix.set(unixType, new Set());
    }
    const fd = returnedNumber(event);
    if (event.name === "socket" && fd !== undefined && fd >= 0) this.fdTable(event.pid).set(fd, { kind: "socket", family: decoded.domain, type });
  }

  private address(event: SyscallEvent, decoded: Extract<DecodedArgs, { call: "address" }>): void {
    const { family, address, port } = decoded.address;
    const bind = event.name === "bind";
    if (bind && (family === AF_INET || family === AF_INET6) && port !== undefined && port > 0 && port < PRIVILEGED_PORTS) {
      this.capability("net_bind_service", `bind to port ${port} at ${where(event.pos)}`);
    }
    if (family !== AF_UNIX) return;
    const socket = this.fdSocket(event.pid, decoded.fd);
    this.unixAccess(socket, bind ? ["bind"] : ["connect", "send", "receive"]);
    if (address !== undefined && address.startsWith("/")) {
      const path = this.resolveAbsolute(address, event.pos, !bind, false);
      if (path !== undefined) this.grant(path, ["w"], bind);
    }
  }

  private unixAccessByFd(event: SyscallEvent): void {
    const fd = Number(splitArgs(event.rawArgs)[0]?.replace(/<.*$/, ""));
    const decoration = /^\d+<(.*)>$/.exec(splitArgs(event.rawArgs)[0] ?? "")?.[1];
    const socket = this.fdSocket(event.pid, { fd, decoration });
    if (socket?.kind !== "socket" || socket.family !== AF_UNIX) return;
    this.unixAccess(socket, event.name === "listen" ? ["listen"] : ["accept", "send", "receive"]);
  }

  private unixAccess(socket: OpenFile | undefined, accesses: readonly UnixAccess[]): void {
    const type = socket?.kind === "socket" ? UNIX_TYPE_NAMES[socket.type] : undefined;
    const types = type ? [type] : [...this.result.unix.keys()];
    for (const t of types) {
      let set = this.result.unix.get(t);
      if (!set) this.result.unix.set(t, (set = new Set()));
      for (const access of accesses) set.add(access);
    }
  }

  private chown(event: SyscallEvent): void {
    const args = splitArgs(event.rawArgs);
    const at = CHOWN_CALLS[event.name] as number;
    const id = (text: string | undefined) => (text === undefined ? -1 : Number(text.replace(/<.*$/, "")));
    const [uid, gid] = [id(args[at]), id(args[at + 1])];
    const why = `${event.name} at ${where(event.pos)} (to ${uid}:${gid})`;
    const known = this.chowns.get(`${uid}:${gid}`);
    if (known === undefined || why < known.why) this.chowns.set(`${uid}:${gid}`, { uid, gid, why });
  }

  private ptrace(event: SyscallEvent): void {
    const [request, pid] = splitArgs(event.rawArgs);
    if (request === "PTRACE_ATTACH" || request === "PTRACE_SEIZE") {
      if (this.pids.has(Number(pid))) this.result.tracesOwn = true;
      else this.result.notes.push(`ptrace ${request} of pid ${pid} outside the trace at ${where(event.pos)}: no rule (add one by hand if needed)`);
    }
  }

  /** The records of the profile (see ObserveOptions.profileName) as the accesses they asked for. */
  private addRecords(): void {
    const name = this.options.profileName;
    if (name === undefined || this.records.length === 0) return;
    const baseOf = (event: AppArmorEvent) => event.profile?.split("//")[0];
    const only = new Set(this.records.map(baseOf)).size === 1;
    const ours = this.records.filter((event) => only || baseOf(event) === name);
    if (ours.length < this.records.length) {
      this.result.notes.push(`${this.records.length - ours.length} AppArmor record(s) of other profiles than ${name} skipped`);
    }
    const created = new Set(ours.flatMap((event) => (event.access.what === "file" && createsFile(event.access) ? [event.access.path ?? ""] : [])));
    for (const event of ours) {
      const need = neededRule(event, name, (path) => created.has(path));
      if (typeof need === "string") {
        this.result.notes.push(`AppArmor record at ${where(event.pos)} gives no rule: ${need}`);
      } else if (need.kind === "file") {
        this.grant(need.path, [...need.request] as AccessLetter[], createsFile(event.access));
      } else if (need.rule.kind === "capability") {
        this.capability(need.rule.capability, `AppArmor record at ${where(event.pos)}`);
      } else if (need.rule.kind === "network" && need.rule.domain !== undefined) {
        this.result.network.add(need.rule.type === undefined ? need.rule.domain : `${need.rule.domain} ${need.rule.type}`);
      } else {
        this.result.recorded.set(JSON.stringify(need.rule), need.rule);
      }
    }
  }

  /** Conclusions that need the whole trace: the user id, chowns to other users, signals outside the workload. */
  finish(): Observations {
    this.addRecords();
    const root = this.uids.size > 0 ? [...this.uids].every((uid) => uid === 0) : undefined;
    this.result.root = root;
    const own = root ? 0 : this.uids.size === 1 ? [...this.uids][0] : undefined;
    for (const { uid, gid, why } of this.chowns.values()) {
      const otherUser = uid !== -1 && uid !== own;
      const otherGroup = gid !== -1 && !(root && gid === 0);
      if (otherUser || (otherGroup && root)) this.capability("chown", why);
    }
    this.result.readsOtherProcess = [...this.result.files.keys()].sort().find((path) => {
      const pid = /^\/proc\/([0-9]+)\//.exec(path)?.[1];
      return pid !== undefined && !this.pids.has(Number(pid));
    });
    for (const { target, pos } of this.signalled) {
      if (!this.pids.has(target)) {
        this.result.notes.push(`signal to pid ${target} outside the trace at ${where(pos)}: no rule (if it is another user's process, it needs capability kill)`);
      }
    }
    return this.result;
  }
}

const UNIX_TYPE_NAMES: Readonly<Record<number, UnixType>> = { 1: "stream", 2: "dgram", 5: "seqpacket" };

/** What `traces`, read one after another, show the workload did (see the module comment). */
export async function observeTraces(traces: readonly ObservedEvents[], options: ObserveOptions): Promise<Observations> {
  const observer = new Observer(options);
  for (const trace of traces) {
    if (Symbol.iterator in trace) {
      for (const event of trace) observer.event(event);
      continue;
    }
    for await (const item of trace) {
      if (Array.isArray(item)) for (const event of item as readonly ObservedEvent[]) observer.event(event);
      else observer.event(item as ObservedEvent);
    }
  }
  return observer.finish();
}

/** What `events` show the workload did (see the module comment). */
export function observe(events: ObservedEvents, options: ObserveOptions): Promise<Observations> {
  return observeTraces([events], options);
}
