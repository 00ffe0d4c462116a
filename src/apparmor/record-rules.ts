/**
 * One AppArmor audit record → the rule that grants what it asked for, or why
 * no rule can. Paths from the kernel are already resolved (AppArmor logs the
 * path it mediated), so only the generator's per-run policy applies: a pid,
 * a mktemp name, a hex id becomes the narrow glob that covers the next run;
 * nothing is widened into a sibling glob.
 */
import { perRunGlob } from "./per-run.js";
import { globPattern, literalPath, type PathPattern } from "./path-pattern.js";
import {
  PTRACE_ACCESS,
  SIGNAL_ACCESS,
  SIGNALS,
  type FilePerms,
  type FileRule,
  type NetworkDomain,
  type NetworkType,
  type PeerLabel,
  type Rule,
} from "./profile.js";
import type { AppArmorAccess, AppArmorEvent } from "../events/types.js";
import { CAPABILITIES, NETWORK_DOMAINS, NETWORK_TYPES, type Capability } from "../policy/apparmor-vocabulary.js";

/** What a record needs: a rule, and for a file the access to check it against (matches()). */
export type Needed =
  | { readonly kind: "file"; readonly rule: FileRule; readonly path: string; readonly request: string; readonly owned: boolean }
  | { readonly kind: "other"; readonly rule: Rule };

/** Whether the record's task may create files: `c` in the mask (open with O_CREAT, mkdir, mknod, link, rename's target). */
export function createsFile(access: AppArmorAccess): boolean {
  return access.what === "file" && access.requested.includes("c");
}

const PEER_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.\-]*$/;

/**
 * The kernel's file mask letters (security/apparmor/file.c aa_file_perm_chrs)
 * as policy permissions: `c` (create) and `d` (delete) are granted by `w`.
 */
function filePermsOf(mask: string): FilePerms | string {
  const letters = new Set(mask.replace(/ /g, ""));
  const unknown = [...letters].filter((letter) => !"rwacdlkmx".includes(letter));
  if (unknown.length > 0) return `the record asks for "${mask}", which has letters refine does not know (${unknown.join("")})`;
  if (letters.size === 0) return "the record names no permission";
  const write = letters.has("w") || letters.has("c") || letters.has("d") ? "w" : letters.has("a") ? "a" : undefined;
  return {
    read: letters.has("r"),
    ...(write ? { write } : {}),
    link: letters.has("l"),
    lock: letters.has("k"),
    mmap: letters.has("m"),
    ...(letters.has("x") ? { exec: "ix" as const } : {}),
  };
}

/** The request matches() is asked: the perms, with any exec mode good enough. */
function requestOf(perms: FilePerms): string {
  return `${perms.mmap ? "m" : ""}${perms.read ? "r" : ""}${perms.write ?? ""}${perms.link ? "l" : ""}${perms.lock ? "k" : ""}${perms.exec ? "x" : ""}`;
}

function fileNeed(access: AppArmorAccess & { what: "file" }, info: string | undefined, created: (path: string) => boolean): Needed | string {
  if (access.path === undefined || !access.path.startsWith("/")) {
    return `the kernel could not name the file (${info ?? `name=${access.path ?? "none"}`})`;
  }
  const perms = filePermsOf(access.requested);
  if (typeof perms === "string") return perms;
  const owned = access.fsuid === undefined || access.ouid === undefined || access.fsuid === access.ouid;
  const glob = perRunGlob(access.path, created);
  let path: PathPattern;
  try {
    path = glob ? globPattern(glob.source) : literalPath(access.path);
  } catch (error) {
    return (error as Error).message;
  }
  // An owner rule would not cover a file of another user: the record says whose it was.
  const owner = glob !== undefined && glob.owner && owned;
  return { kind: "file", rule: { kind: "file", deny: false, owner, path, perms }, path: access.path, request: requestOf(perms), owned };
}

/** A peer label as a rule may name it: the profile itself (or its children) by its name, else the label if plain. */
function peerOf(peer: string | undefined, name: string): PeerLabel | undefined | false {
  if (peer === undefined) return undefined;
  if (peer === name || peer.startsWith(`${name}//`)) return name;
  const label = peer.replace(/ \((?:enforce|complain|kill|unconfined)\)$/, "");
  return PEER_LABEL.test(label) ? label : false;
}

function wordsIn<T extends string>(text: string, words: readonly T[]): T[] | undefined {
  const given = text.split(/[\s,]+/).filter(Boolean);
  return given.length > 0 && given.every((word) => (words as readonly string[]).includes(word)) ? (given as T[]) : undefined;
}

/**
 * The rule `event` (a record of the profile `name` or its children) needs, or
 * a sentence saying why refine cannot write one. `created(path)`: whether some
 * record of the log shows the task creating `path`.
 */
export function neededRule(event: AppArmorEvent, name: string, created: (path: string) => boolean): Needed | string {
  const { access } = event;
  switch (access.what) {
    case "file":
      return fileNeed(access, event.info, created);
    case "capability":
      if (!(CAPABILITIES as readonly string[]).includes(access.name)) return `unknown capability "${access.name}"`;
      return { kind: "other", rule: { kind: "capability", capability: access.name as Capability } };
    case "network": {
      if (!(NETWORK_DOMAINS as readonly string[]).includes(access.family)) return `unknown network family "${access.family}"`;
      const type = access.sockType;
      if (type !== undefined && !(NETWORK_TYPES as readonly string[]).includes(type)) return `unknown socket type "${type}"`;
      const rule: Rule = { kind: "network", domain: access.family as NetworkDomain, ...(type ? { type: type as NetworkType } : {}) };
      return { kind: "other", rule };
    }
    case "signal": {
      const accessWords = wordsIn(access.requested, SIGNAL_ACCESS);
      if (!accessWords) return `signal access "${access.requested}" is not send or receive`;
      const signal = wordsIn(access.signal, SIGNALS);
      if (!signal) return `signal "${access.signal}" has no name in policy`;
      const peer = peerOf(access.peer, name);
      if (peer === false) return `peer "${access.peer}" is a label a rule cannot name plainly`;
      return { kind: "other", rule: { kind: "signal", access: accessWords, set: signal, ...(peer ? { peer } : {}) } };
    }
    case "ptrace": {
      const accessWords = wordsIn(access.requested, PTRACE_ACCESS);
      if (!accessWords) return `ptrace access "${access.requested}" is not read, trace, readby or tracedby`;
      const peer = peerOf(access.peer, name);
      if (peer === false) return `peer "${access.peer}" is a label a rule cannot name plainly`;
      return { kind: "other", rule: { kind: "ptrace", access: accessWords, ...(peer ? { peer } : {}) } };
    }
    case "other":
      return `refine writes no rules for operation="${event.operation}"${access.class ? ` class="${access.class}"` : ""}`;
  }
}
