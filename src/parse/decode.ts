/**
 * Argument decoders for the calls later stages need, keyed by our table's call
 * name. A decoder sees the top-level arguments as strace printed them (named
 * ones such as `flags=…` included) and returns undefined when they are not in
 * a form it can read (pointers under `-e raw=all`, unknown symbols): a call is
 * never rejected for its arguments.
 */
import type { DecodedArgs, FdArg, PathArg } from "../events/types.js";
import { ARCH_INFO, type Arch, type NativeArch } from "../syscalls/arch.js";
import {
  ADDRESS_FAMILIES,
  AT_FDCWD,
  AT_FLAGS,
  CLONE_FLAGS,
  FCNTL_COMMANDS,
  FLOCK_OPERATIONS,
  MAP_FLAGS,
  OPEN_FLAGS,
  PERSONAS,
  PRCTL_OPTIONS,
  PROT_FLAGS,
  SIGNALS,
  SOCKET_PROTOCOLS,
  SOCKET_TYPES,
  type ConstantTable,
} from "./constants.js";
import { parseCString, unescapeC } from "./cstring.js";
import { asInt32, evalNumeric } from "./expr.js";
import { parseSockaddr, structFields } from "./sockaddr.js";
import { splitArgs } from "./scan.js";

export type DecodedKind = DecodedArgs["call"];

/** For arguments that are plain numbers (modes, pids). */
const NO_SYMBOLS: ConstantTable = {};

type Decoder = (args: readonly string[], native: NativeArch) => DecodedArgs | undefined;

interface DecoderEntry {
  readonly kind: DecodedKind;
  readonly decode: Decoder;
}

const LOWER_A = 0x61; // a
const LOWER_Z = 0x7a; // z
const UPPER_A = 0x41; // A
const UPPER_Z = 0x5a; // Z
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const UNDERSCORE = 0x5f;
const EQUALS = 0x3d;
const GREATER_THAN = 0x3e;

function isLowerWordChar(c: number, first: boolean): boolean {
  return (c >= LOWER_A && c <= LOWER_Z) || c === UNDERSCORE || (!first && c >= DIGIT_0 && c <= DIGIT_9);
}

function isAlphanumeric(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= LOWER_A && c <= LOWER_Z) || (c >= UPPER_A && c <= UPPER_Z);
}

/** An argument without the `name=` strace puts before some (`flags=CLONE_VM|…`): `[a-z_][a-z0-9_]*=`. */
function value(arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c === EQUALS && i > 0) return arg.slice(i + 1);
    if (!isLowerWordChar(c, i === 0)) return arg;
  }
  return arg;
}

/** Where the `<…>` decoration `-y` put after an fd starts: the first `<` right after a letter or digit, or -1. */
function decorationStart(text: string): number {
  for (let at = text.indexOf("<"); at > 0; at = text.indexOf("<", at + 1)) {
    if (isAlphanumeric(text.charCodeAt(at - 1))) return at;
  }
  return -1;
}

function numeric(arg: string | undefined, table: ConstantTable): number | undefined {
  const text = value(arg);
  return text === undefined ? undefined : evalNumeric(text, table);
}

/** `3`, `3</etc/passwd>`, `AT_FDCWD</tmp>`, `-100 /* AT_FDCWD *\/`, `0xffffff9c`. */
function fdArg(arg: string | undefined): FdArg | undefined {
  const text = value(arg);
  if (text === undefined) return undefined;
  const open = decorationStart(text);
  const fd = evalNumeric(open < 0 ? text : text.slice(0, open), AT_FLAGS);
  if (fd === undefined) return undefined;
  const decoration = open < 0 || text.charCodeAt(text.length - 1) !== GREATER_THAN ? undefined : unescapeC(text.slice(open + 1, -1));
  return { fd: asInt32(fd), decoration };
}

const CWD: FdArg = { fd: AT_FDCWD, decoration: undefined };

function pathArg(dirfd: FdArg | undefined, arg: string | undefined): PathArg | undefined {
  const path = arg === undefined ? undefined : parseCString(arg);
  return dirfd === undefined || path === undefined ? undefined : { dirfd, path };
}

function allDefined<T>(values: readonly (T | undefined)[]): values is readonly T[] {
  return values.every((v) => v !== undefined);
}

/** Where a path call's paths are: [dirfd index or undefined for the cwd, path index]. */
type PathSpec = readonly (readonly [number | undefined, number])[];

function pathDecoder(spec: PathSpec, flagsAt?: number): Decoder {
  return (args) => {
    const paths = spec.map(([dirfdAt, pathAt]) => pathArg(dirfdAt === undefined ? CWD : fdArg(args[dirfdAt]), args[pathAt]));
    if (!allDefined(paths)) return undefined;
    const flags = flagsAt === undefined ? undefined : numeric(args[flagsAt], AT_FLAGS);
    return { call: "path", paths, flags };
  };
}

const O_CREAT_WRONLY_TRUNC = 0o1101;

function openDecoder(dirfdAt: number | undefined, pathAt: number, flagsAt: number | "creat"): Decoder {
  return (args, native) => {
    const at = pathArg(dirfdAt === undefined ? CWD : fdArg(args[dirfdAt]), args[pathAt]);
    const modeAt = flagsAt === "creat" ? pathAt + 1 : flagsAt + 1;
    const flags = flagsAt === "creat" ? O_CREAT_WRONLY_TRUNC : numeric(args[flagsAt], OPEN_FLAGS[native]);
    if (at === undefined || flags === undefined) return undefined;
    return { call: "open", at, flags, mode: numeric(args[modeAt], NO_SYMBOLS) };
  };
}

const decodeOpenat2: Decoder = (args, native) => {
  const at = pathArg(fdArg(args[0]), args[1]);
  const how = args[2] === undefined ? undefined : structFields(args[2]);
  const flags = numeric(how?.get("flags"), OPEN_FLAGS[native]);
  if (at === undefined || flags === undefined) return undefined;
  return { call: "open", at, flags, mode: numeric(how?.get("mode"), NO_SYMBOLS) };
};

function execDecoder(dirfdAt: number | undefined, pathAt: number, flagsAt?: number): Decoder {
  return (args) => {
    const at = pathArg(dirfdAt === undefined ? CWD : fdArg(args[dirfdAt]), args[pathAt]);
    if (at === undefined) return undefined;
    return { call: "execve", at, flags: flagsAt === undefined ? undefined : numeric(args[flagsAt], AT_FLAGS) };
  };
}

function fdDecoder(opTable?: ConstantTable): Decoder {
  return (args) => {
    const fd = fdArg(args[0]);
    if (fd === undefined) return undefined;
    return { call: "fd", fd, op: opTable === undefined ? undefined : numeric(args[1], opTable) };
  };
}

function dupDecoder(newFdAt?: number): Decoder {
  return (args) => {
    const fd = fdArg(args[0]);
    if (fd === undefined) return undefined;
    return { call: "dup", fd, newFd: newFdAt === undefined ? undefined : fdArg(args[newFdAt])?.fd };
  };
}

const decodeMmap: Decoder = (args) => {
  const prot = numeric(args[2], PROT_FLAGS);
  const flags = numeric(args[3], MAP_FLAGS);
  const fd = fdArg(args[4]);
  if (prot === undefined || flags === undefined || fd === undefined) return undefined;
  return { call: "mmap", prot, flags, fd };
};

const decodeMprotect: Decoder = (args) => {
  const prot = numeric(args[2], PROT_FLAGS);
  return prot === undefined ? undefined : { call: "mprotect", prot };
};

const decodeSocket: Decoder = (args) => {
  const domain = numeric(args[0], ADDRESS_FAMILIES);
  const type = numeric(args[1], SOCKET_TYPES);
  if (domain === undefined || type === undefined) return undefined;
  return { call: "socket", domain, type, protocol: numeric(args[2], SOCKET_PROTOCOLS) };
};

const decodeAddress: Decoder = (args) => {
  const fd = fdArg(args[0]);
  const address = args[1] === undefined ? undefined : parseSockaddr(args[1]);
  return fd === undefined || address === undefined ? undefined : { call: "address", fd, address };
};

/** clone's flags are named (`flags=…`) when decoded and first when raw, on every ABI we know. */
const decodeClone: Decoder = (args) => {
  const named = args.find((arg) => arg.startsWith("flags="));
  const flags = numeric(named ?? args[0], CLONE_FLAGS);
  return flags === undefined ? undefined : { call: "clone", flags };
};

const decodeClone3: Decoder = (args) => {
  const flags = numeric(args[0] === undefined ? undefined : structFields(args[0])?.get("flags"), CLONE_FLAGS);
  return flags === undefined ? undefined : { call: "clone3", flags };
};

const decodeUnshare: Decoder = (args) => {
  const flags = numeric(args[0], CLONE_FLAGS);
  return flags === undefined ? undefined : { call: "unshare", flags };
};

const decodePersonality: Decoder = (args) => {
  const persona = numeric(args[0], PERSONAS);
  return persona === undefined ? undefined : { call: "personality", persona };
};

const decodePrctl: Decoder = (args) => {
  const option = numeric(args[0], PRCTL_OPTIONS);
  return option === undefined ? undefined : { call: "prctl", option };
};

function killDecoder(targetAt: number, signalAt: number): Decoder {
  return (args) => {
    const target = numeric(args[targetAt], NO_SYMBOLS);
    const signal = numeric(args[signalAt], SIGNALS);
    return target === undefined || signal === undefined ? undefined : { call: "kill", target, signal };
  };
}

function entries(kind: DecodedKind, names: readonly string[], decode: Decoder): [string, DecoderEntry][] {
  return names.map((name) => [name, { kind, decode }]);
}

const ONE_PATH: PathSpec = [[undefined, 0]];
const AT_PATH: PathSpec = [[0, 1]];

const DECODERS: ReadonlyMap<string, DecoderEntry> = new Map([
  ...entries("open", ["open"], openDecoder(undefined, 0, 1)),
  ...entries("open", ["openat"], openDecoder(0, 1, 2)),
  ...entries("open", ["creat"], openDecoder(undefined, 0, "creat")),
  ...entries("open", ["openat2"], decodeOpenat2),
  ...entries(
    "path",
    [
      "stat", "lstat", "stat64", "lstat64", "oldstat", "oldlstat", "access", "readlink", "chdir",
      "chroot", "mkdir", "rmdir", "unlink", "truncate", "truncate64", "chmod", "chown", "chown32",
      "lchown", "lchown32", "statfs", "statfs64", "utime", "utimes", "mknod", "setxattr", "lsetxattr",
      "getxattr", "lgetxattr", "listxattr", "llistxattr", "removexattr", "lremovexattr", "uselib",
      "acct", "swapon", "swapoff", "umount2", "umount",
    ],
    pathDecoder(ONE_PATH),
  ),
  ...entries("path", ["rename", "link", "pivot_root"], pathDecoder([[undefined, 0], [undefined, 1]])),
  ...entries("path", ["symlink"], pathDecoder([[undefined, 1]])),
  ...entries("path", ["inotify_add_watch"], pathDecoder([[undefined, 1]])),
  ...entries("path", ["faccessat", "readlinkat", "mkdirat", "mknodat", "futimesat", "fchmodat"], pathDecoder(AT_PATH)),
  ...entries("path", ["newfstatat", "fstatat64", "faccessat2", "utimensat", "fchmodat2"], pathDecoder(AT_PATH, 3)),
  ...entries("path", ["unlinkat", "statx", "open_tree"], pathDecoder(AT_PATH, 2)),
  ...entries("path", ["fchownat", "name_to_handle_at"], pathDecoder(AT_PATH, 4)),
  ...entries("path", ["renameat"], pathDecoder([[0, 1], [2, 3]])),
  ...entries("path", ["renameat2", "linkat"], pathDecoder([[0, 1], [2, 3]], 4)),
  ...entries("path", ["symlinkat"], pathDecoder([[1, 2]])),
  ...entries("execve", ["execve"], execDecoder(undefined, 0)),
  ...entries("execve", ["execveat"], execDecoder(0, 1, 4)),
  ...entries(
    "fd",
    ["fchdir", "getdents", "getdents64", "ftruncate", "ftruncate64", "fchmod", "fchown", "fchown32", "close"],
    fdDecoder(),
  ),
  ...entries("fd", ["flock"], fdDecoder(FLOCK_OPERATIONS)),
  ...entries("fd", ["fcntl", "fcntl64"], fdDecoder(FCNTL_COMMANDS)),
  ...entries("dup", ["dup"], dupDecoder()),
  ...entries("dup", ["dup2", "dup3"], dupDecoder(1)),
  ...entries("mmap", ["mmap", "mmap2"], decodeMmap),
  ...entries("mprotect", ["mprotect", "pkey_mprotect"], decodeMprotect),
  ...entries("socket", ["socket", "socketpair"], decodeSocket),
  ...entries("address", ["bind", "connect"], decodeAddress),
  ...entries("clone", ["clone"], decodeClone),
  ...entries("clone3", ["clone3"], decodeClone3),
  ...entries("unshare", ["unshare"], decodeUnshare),
  ...entries("personality", ["personality"], decodePersonality),
  ...entries("prctl", ["prctl"], decodePrctl),
  ...entries("kill", ["kill", "tkill", "rt_sigqueueinfo"], killDecoder(0, 1)),
  ...entries("kill", ["tgkill", "rt_tgsigqueueinfo"], killDecoder(1, 2)),
]);

/** Every kind of decoded arguments there is: the default for what to decode. */
export const ALL_DECODED_KINDS: ReadonlySet<DecodedKind> = new Set([...DECODERS.values()].map((d) => d.kind));

/** The calls (our tables' spelling) whose arguments decode to one of `kinds`. */
export function callsDecodedAs(kinds: readonly DecodedKind[]): string[] {
  return [...DECODERS].flatMap(([name, entry]) => (kinds.includes(entry.kind) ? [name] : []));
}

/** The kind of arguments a call of `name` (our table's spelling) decodes to, if any. */
export function decodedKindOf(name: string): DecodedKind | undefined {
  return DECODERS.get(name)?.kind;
}

/**
 * The decoded arguments of a call of `name` (our table's spelling) made through
 * `arch`, or undefined: calls of kinds not in `kinds` are not even split.
 */
export function decodeArgs(
  name: string,
  rawArgs: string,
  arch: Arch,
  kinds: ReadonlySet<DecodedKind> = ALL_DECODED_KINDS,
): DecodedArgs | undefined {
  const entry = DECODERS.get(name);
  if (entry === undefined || !kinds.has(entry.kind)) return undefined;
  return entry.decode(splitArgs(rawArgs), ARCH_INFO[arch].native);
}
