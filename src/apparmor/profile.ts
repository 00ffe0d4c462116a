/**
 * A typed AppArmor profile (apparmor.d(5), abi 3.0): the rules profilesmith
 * writes. Invalid permission sets (`w` with `a`, two exec modes, an exec mode
 * on a deny rule) cannot be built.
 */
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { EXEC_MODES, NETWORK_DOMAINS, NETWORK_PROTOCOLS, NETWORK_TYPES } from "../policy/apparmor-vocabulary.js";
import type { PathPattern } from "./path-pattern.js";

export type ExecMode = (typeof EXEC_MODES)[number];
export type NetworkDomain = (typeof NETWORK_DOMAINS)[number];
export type NetworkType = (typeof NETWORK_TYPES)[number] | (typeof NETWORK_PROTOCOLS)[number];

/**
 * File permissions: read, write or append (never both), link, lock, mmap
 * PROT_EXEC, and at most one exec mode `X` (`ExecMode` in allow rules, plain
 * `x` in deny rules).
 */
export interface FilePerms<X extends string = ExecMode> {
  readonly read: boolean;
  readonly write?: "w" | "a";
  readonly link: boolean;
  readonly lock: boolean;
  readonly mmap: boolean;
  readonly exec?: X;
}

/** Why a rule exists, for the reviewer: which observed paths a glob covers, why a capability is implied. */
export interface Commented {
  readonly comment?: string;
}

export interface FileRule extends Commented {
  readonly kind: "file";
  readonly deny: false;
  /** `owner`: only files whose owner is the task's fsuid. */
  readonly owner: boolean;
  readonly path: PathPattern;
  readonly perms: FilePerms;
}

export interface DenyFileRule extends Commented {
  readonly kind: "file";
  readonly deny: true;
  readonly owner: boolean;
  readonly path: PathPattern;
  readonly perms: FilePerms<"x">;
}

export interface CapabilityRule extends Commented {
  readonly kind: "capability";
  readonly capability: Capability;
}

/** `network DOMAIN [TYPE],`; no domain means every family. */
export interface NetworkRule extends Commented {
  readonly kind: "network";
  readonly domain?: NetworkDomain;
  readonly type?: NetworkType;
}

/**
 * A peer label: a profile name, `unconfined`, or `@{profile_name}`. Names are
 * restricted to characters that need no quoting and are not glob syntax.
 */
export type PeerLabel = string;
const PEER_LABEL = /^(?:@\{profile_name\}|[A-Za-z0-9][A-Za-z0-9_.\-]*)$/;

export const SIGNAL_ACCESS = ["send", "receive"] as const;
export const SIGNALS = [
  "hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill", "usr1", "segv", "usr2", "pipe", "alrm",
  "term", "stkflt", "chld", "cont", "stop", "stp", "ttin", "ttou", "urg", "xcpu", "xfsz", "vtalrm", "prof",
  "winch", "io", "pwr", "sys", "emt", "exists",
] as const;

export interface SignalRule extends Commented {
  readonly kind: "signal";
  readonly access: readonly (typeof SIGNAL_ACCESS)[number][];
  readonly set: readonly (typeof SIGNALS)[number][];
  readonly peer?: PeerLabel;
}

export const PTRACE_ACCESS = ["read", "trace", "readby", "tracedby"] as const;

export interface PtraceRule extends Commented {
  readonly kind: "ptrace";
  readonly access: readonly (typeof PTRACE_ACCESS)[number][];
  readonly peer?: PeerLabel;
}

/** Unix socket accesses that involve a peer; apparmor_parser refuses the others together with `peer=`. */
export const UNIX_PEER_ACCESS = ["connect", "send", "receive", "accept"] as const;
export const UNIX_ACCESS = [
  "create", "bind", "listen", "accept", "connect", "send", "receive", "getattr", "setattr", "getopt", "setopt", "shutdown",
] as const;
export const UNIX_TYPES = ["stream", "dgram", "seqpacket"] as const;

interface UnixRuleBase extends Commented {
  readonly kind: "unix";
  readonly type?: (typeof UNIX_TYPES)[number];
}

/** `unix (ACCESS…) [type=T] [peer=(label=L)],`: with a peer, only peer accesses (empty access: all of them). */
export type UnixRule =
  | (UnixRuleBase & { readonly access: readonly (typeof UNIX_ACCESS)[number][]; readonly peer?: undefined })
  | (UnixRuleBase & { readonly access: readonly (typeof UNIX_PEER_ACCESS)[number][]; readonly peer: PeerLabel });

export type Rule = FileRule | DenyFileRule | CapabilityRule | NetworkRule | SignalRule | PtraceRule | UnixRule;

export const PROFILE_FLAGS = ["attach_disconnected", "mediate_deleted", "complain"] as const;
export type ProfileFlag = (typeof PROFILE_FLAGS)[number];

export interface Profile {
  /** The profile's name (what `aa-exec -p` and Docker's `--security-opt apparmor=` name). */
  readonly name: string;
  readonly flags: readonly ProfileFlag[];
  /** Rules beyond `include <abstractions/base>`, which every rendered profile includes. */
  readonly rules: readonly Rule[];
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.\-]*$/;

/** A profile; throws RangeError for a name or peer label that would need quoting (letters, digits, `_.-` only). */
export function profile(name: string, flags: readonly ProfileFlag[], rules: readonly Rule[]): Profile {
  if (!PROFILE_NAME.test(name)) throw new RangeError(`profile name ${JSON.stringify(name)}: use letters, digits, _ . -`);
  for (const rule of rules) {
    if ("peer" in rule && rule.peer !== undefined && !PEER_LABEL.test(rule.peer)) {
      throw new RangeError(`peer label ${JSON.stringify(rule.peer)}: use letters, digits, _ . - or @{profile_name}`);
    }
  }
  return { name, flags: [...new Set(flags)].sort(), rules };
}

const NO_PERMS: FilePerms<never> = { read: false, link: false, lock: false, mmap: false };

/** Longest first, so `pix` is not read as `p` + `ix`. */
const EXEC_MODES_LONGEST_FIRST = [...EXEC_MODES].sort((a, b) => b.length - a.length);

/**
 * Permissions from AppArmor's spelling (`r`, `rw`, `mrix`, `rPx`, `rwk`).
 * Throws RangeError for an unknown letter, `w` with `a`, a repeated letter or
 * more than one exec mode.
 */
export function filePerms(text: string): FilePerms {
  let perms: { -readonly [K in keyof FilePerms]: FilePerms[K] } = { ...NO_PERMS };
  const fail = (why: string): never => {
    throw new RangeError(`file permissions ${JSON.stringify(text)}: ${why}`);
  };
  for (let i = 0; i < text.length; ) {
    const exec = EXEC_MODES_LONGEST_FIRST.find((mode) => text.startsWith(mode, i));
    if (exec) {
      if (perms.exec) fail("more than one exec mode");
      perms = { ...perms, exec };
      i += exec.length;
      continue;
    }
    const letter = text[i] as string;
    const flag = ({ r: "read", l: "link", k: "lock", m: "mmap" } as const)[letter as "r" | "l" | "k" | "m"];
    if (flag) {
      if (perms[flag]) fail(`"${letter}" twice`);
      perms = { ...perms, [flag]: true };
    } else if (letter === "w" || letter === "a") {
      if (perms.write) fail(perms.write === letter ? `"${letter}" twice` : `"w" and "a" exclude each other`);
      perms = { ...perms, write: letter };
    } else fail(`unknown permission "${letter}"`);
    i++;
  }
  if (!perms.read && !perms.write && !perms.link && !perms.lock && !perms.mmap && !perms.exec) fail("no permission");
  return perms;
}

/** Deny-rule permissions: like filePerms, with plain `x` as the only exec permission. */
export function denyPerms(text: string): FilePerms<"x"> {
  if (/[iIpPcCuU]/.test(text)) throw new RangeError(`deny permissions ${JSON.stringify(text)}: only plain x may be denied`);
  const { exec, ...rest } = filePerms(text.replace("x", "ix"));
  return exec === undefined ? rest : { ...rest, exec: "x" };
}

/** The permissions in AppArmor's conventional order: `m r w|a l k` then the exec mode. */
export function permsText(perms: FilePerms<string>): string {
  return `${perms.mmap ? "m" : ""}${perms.read ? "r" : ""}${perms.write ?? ""}${perms.link ? "l" : ""}${perms.lock ? "k" : ""}${perms.exec ?? ""}`;
}
