/**
 * Reading an AppArmor profile back into the Profile model: everything
 * renderProfile writes (abi, tunables and abstractions/base includes, one
 * `profile NAME flags=(…) { … }` block, comments, quoted and escaped paths,
 * owner, deny, exec modes, capability, network, signal, ptrace and unix rules),
 * one rule per statement, statements may span lines. Anything the model cannot
 * hold is an InputError naming file and line, except the privileged rule kinds
 * (mount, pivot_root, change_profile, …) that readAppArmorDocument lists for
 * the linter.
 */
import { InputError } from "../errors.js";
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { CAPABILITIES, NETWORK_DOMAINS, NETWORK_PROTOCOLS, NETWORK_TYPES } from "../policy/apparmor-vocabulary.js";
import type { PathPattern } from "./path-pattern.js";
import { globPattern, literalPath, utf8Bytes } from "./path-pattern.js";
import type { NetworkDomain, NetworkType, PeerLabel, Profile, ProfileFlag, Rule } from "./profile.js";
import {
  denyPerms,
  filePerms,
  profile,
  PROFILE_FLAGS,
  PTRACE_ACCESS,
  SIGNAL_ACCESS,
  SIGNALS,
  UNIX_ACCESS,
  UNIX_PEER_ACCESS,
  UNIX_TYPES,
} from "./profile.js";
import { unquote } from "./quote.js";

/** Rule kinds the model does not hold; a profile that has them is read only by readAppArmorDocument. */
export const UNMODELLED_RULE_KINDS = ["mount", "umount", "remount", "pivot_root", "change_profile"] as const;

export interface UnmodelledRule {
  readonly keyword: (typeof UNMODELLED_RULE_KINDS)[number];
  /** The statement as written, without its final comma. */
  readonly text: string;
  readonly line: number;
}

export interface AppArmorDocument {
  readonly profile: Profile;
  /** The line of `profile NAME … {`. */
  readonly profileLine: number;
  /** The line each of `profile.rules` starts on. */
  readonly ruleLines: readonly number[];
  readonly unmodelled: readonly UnmodelledRule[];
}

/** What the only allowed includes are: the ones renderProfile writes. */
const PREAMBLE_INCLUDE = "tunables/global";
const PROFILE_INCLUDE = "abstractions/base";

/** The line without its comment (a `#` outside quotes), and the comment text. */
function splitComment(line: string): { code: string; comment?: string } {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "#" && !quoted) return { code: line.slice(0, i).trim(), comment: line.slice(i + 1).replace(/^ /, "") };
  }
  return { code: line.trim() };
}

const INCLUDE = /^#?include\s+(?:if\s+exists\s+)?<([^>]+)>$/;

/**
 * Reads one AppArmor profile file. Throws InputError (`file:line: why`) for
 * what the Profile model cannot hold, including mount, pivot_root and
 * change_profile rules.
 */
export function readAppArmorProfile(text: string, file: string): Profile {
  const document = readAppArmorDocument(text, file);
  const first = document.unmodelled[0];
  if (first) throw new InputError(`${first.keyword} rules are not supported`, { file, line: first.line });
  return document.profile;
}

/** Reads one AppArmor profile file, listing its mount, pivot_root and change_profile rules instead of refusing them. */
export function readAppArmorDocument(text: string, file: string): AppArmorDocument {
  const fail = (line: number, why: string): never => {
    throw new InputError(why, { file, line });
  };
  let header: { name: string; flags: ProfileFlag[]; line: number } | undefined;
  let closed = false;
  const rules: Rule[] = [];
  const ruleLines: number[] = [];
  const unmodelled: UnmodelledRule[] = [];
  let comments: string[] = [];
  let pending: { text: string; line: number } | undefined;

  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const raw = lines[index] as string;
    const include = INCLUDE.exec(raw.trim());
    if (include && !pending) {
      const target = include[1] as string;
      if (!header && target === PREAMBLE_INCLUDE) continue;
      if (header && !closed && target === PROFILE_INCLUDE) continue;
      fail(lineNo, `include <${target}> is not supported (only <${PREAMBLE_INCLUDE}> before the profile and <${PROFILE_INCLUDE}> in it)`);
    }
    const { code, comment } = splitComment(raw);
    if (code === "") {
      if (pending) continue;
      if (comment !== undefined && header && !closed) comments.push(comment);
      else comments = [];
      continue;
    }
    if (closed) fail(lineNo, "text after the profile's closing }: one profile per file");
    if (!header) {
      if (/^abi\s+<[^>]+>\s*,$/.test(code)) continue;
      header = readHeader(code, lineNo, (why) => fail(lineNo, why));
      comments = [];
      continue;
    }
    if (!pending && code === "}") {
      closed = true;
      continue;
    }
    pending = pending ? { text: `${pending.text} ${code}`, line: pending.line } : { text: code, line: lineNo };
    if (pending.text.endsWith("{")) fail(pending.line, "nested profiles and hats are not supported");
    if (!pending.text.endsWith(",")) continue;
    const statement = pending.text.slice(0, -1).trim();
    const at = pending.line;
    pending = undefined;
    const keyword = /^[a-z_]+/.exec(statement)?.[0];
    const privileged = UNMODELLED_RULE_KINDS.find((k) => k === keyword);
    if (privileged) {
      unmodelled.push({ keyword: privileged, text: statement, line: at });
    } else {
      for (const rule of readRule(statement, (why) => fail(at, why))) {
        rules.push(comments.length ? { ...rule, comment: comments.join("\n") } : rule);
        ruleLines.push(at);
      }
    }
    comments = [];
  }
  const end = lines.length;
  if (pending) fail(pending.line, "rule does not end with a comma");
  if (!header) return fail(end, "no profile NAME { … } block");
  if (!closed) fail(end, `profile ${header.name} (line ${header.line}) has no closing }`);
  try {
    return { profile: profile(header.name, header.flags, rules), profileLine: header.line, ruleLines, unmodelled };
  } catch (error) {
    return fail(error instanceof RangeError ? header.line : end, (error as Error).message);
  }
}

function readHeader(code: string, line: number, fail: (why: string) => never): { name: string; flags: ProfileFlag[]; line: number } {
  const match = /^profile\s+(\S+)(?:\s+flags\s*=\s*\(([^)]*)\))?\s*\{$/.exec(code);
  if (!match) return fail(`expected "profile NAME [flags=(…)] {", found ${JSON.stringify(code)}`);
  const flags = (match[2] ?? "").split(/[\s,]+/).filter(Boolean);
  for (const flag of flags) {
    if (!PROFILE_FLAGS.includes(flag as ProfileFlag)) fail(`profile flag "${flag}" is not supported (${PROFILE_FLAGS.join(", ")})`);
  }
  return { name: match[1] as string, flags: flags as ProfileFlag[], line };
}

/** The words of a statement: quoted strings stay whole, `(…)` groups stay whole. */
function words(statement: string, fail: (why: string) => never): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < statement.length) {
    if (/\s/.test(statement[i] as string)) {
      i++;
      continue;
    }
    let j = i;
    let quoted = false;
    let depth = 0;
    for (; j < statement.length; j++) {
      const c = statement[j] as string;
      if (quoted) {
        if (c === "\\") j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (/\s/.test(c) && depth === 0) break;
    }
    if (quoted) fail("unterminated quoted string");
    if (depth !== 0) fail("unbalanced parentheses");
    out.push(statement.slice(i, j));
    i = j;
  }
  return out;
}

function readRule(statement: string, fail: (why: string) => never): Rule[] {
  const [keyword = "", ...rest] = words(statement, fail);
  switch (keyword) {
    case "capability":
      return readCapabilities(rest, fail);
    case "network":
      return [readNetwork(rest, fail)];
    case "signal":
      return [readSignal(rest, fail)];
    case "ptrace":
      return [readPtrace(rest, fail)];
    case "unix":
      return [readUnix(rest, fail)];
    default:
      return [readFileRule([keyword, ...rest], fail)];
  }
}

function readCapabilities(names: string[], fail: (why: string) => never): Rule[] {
  if (names.length === 0) fail("a bare `capability` rule (every capability) is not supported");
  return names.map((name) => {
    if (!CAPABILITIES.includes(name as Capability)) fail(`unknown capability "${name}"`);
    return { kind: "capability", capability: name as Capability };
  });
}

function readNetwork(args: string[], fail: (why: string) => never): Rule {
  const types: readonly string[] = [...NETWORK_TYPES, ...NETWORK_PROTOCOLS];
  const [first, second, ...extra] = args;
  if (extra.length) fail(`network rule: unexpected "${extra.join(" ")}"`);
  if (first === undefined) return { kind: "network" };
  if (NETWORK_DOMAINS.includes(first as NetworkDomain)) {
    if (second !== undefined && !types.includes(second)) fail(`network rule: unknown type "${second}"`);
    return second === undefined
      ? { kind: "network", domain: first as NetworkDomain }
      : { kind: "network", domain: first as NetworkDomain, type: second as NetworkType };
  }
  if (second !== undefined || !types.includes(first)) fail(`network rule: unknown family or type "${first}"`);
  return { kind: "network", type: first as NetworkType };
}

/** `(a, b)`, `(a b)` or a bare word, each checked against `known`. */
function wordList<T extends string>(text: string, known: readonly T[], what: string, fail: (why: string) => never): T[] {
  const list = text.startsWith("(") ? text.slice(1, -1).split(/[\s,]+/).filter(Boolean) : [text];
  for (const word of list) if (!known.includes(word as T)) fail(`unknown ${what} "${word}"`);
  return list as T[];
}

/** The access list (first argument, optional) and `key=value` conditions of a signal/ptrace/unix rule. */
function accessAndConditions<T extends string>(
  args: string[],
  known: readonly T[],
  conditions: readonly string[],
  fail: (why: string) => never,
): { access: T[]; values: Map<string, string> } {
  let rest = args;
  let access: T[] = [];
  if (rest[0] !== undefined && !rest[0].includes("=")) {
    access = wordList(rest[0], known, "access", fail);
    rest = rest.slice(1);
  }
  const values = new Map<string, string>();
  for (const word of rest) {
    const eq = word.indexOf("=");
    const key = word.slice(0, eq);
    if (eq < 0 || !conditions.includes(key)) fail(`unexpected "${word}" (expected ${conditions.map((c) => `${c}=`).join(" or ")})`);
    if (values.has(key)) fail(`${key}= given twice`);
    values.set(key, word.slice(eq + 1));
  }
  return { access: [...new Set(access)], values };
}

function peerLabel(text: string, fail: (why: string) => never): PeerLabel {
  if (!/^(?:@\{profile_name\}|[A-Za-z0-9][A-Za-z0-9_.\-]*)$/.test(text)) fail(`peer "${text}": only a plain profile name, unconfined or @{profile_name} is supported`);
  return text;
}

function readSignal(args: string[], fail: (why: string) => never): Rule {
  const { access, values } = accessAndConditions(args, SIGNAL_ACCESS, ["set", "peer"], fail);
  const setText = values.get("set");
  const set = setText === undefined ? [] : [...new Set(wordList(setText, SIGNALS, "signal", fail))];
  const peer = values.get("peer");
  return peer === undefined ? { kind: "signal", access, set } : { kind: "signal", access, set, peer: peerLabel(peer, fail) };
}

function readPtrace(args: string[], fail: (why: string) => never): Rule {
  const { access, values } = accessAndConditions(args, PTRACE_ACCESS, ["peer"], fail);
  const peer = values.get("peer");
  return peer === undefined ? { kind: "ptrace", access } : { kind: "ptrace", access, peer: peerLabel(peer, fail) };
}

function readUnix(args: string[], fail: (why: string) => never): Rule {
  const { access, values } = accessAndConditions(args, UNIX_ACCESS, ["type", "peer"], fail);
  const typeText = values.get("type");
  const type = typeText === undefined ? undefined : wordList(typeText, UNIX_TYPES, "unix socket type", fail)[0];
  const base = type === undefined ? { kind: "unix" as const } : { kind: "unix" as const, type };
  const peerText = values.get("peer");
  if (peerText === undefined) return { ...base, access };
  const label = /^\(label=([^)\s]+)\)$/.exec(peerText)?.[1];
  if (label === undefined) return fail(`unix peer "${peerText}": only peer=(label=NAME) is supported`);
  const peerAccess = access.filter((a): a is (typeof UNIX_PEER_ACCESS)[number] => (UNIX_PEER_ACCESS as readonly string[]).includes(a));
  if (peerAccess.length !== access.length) fail(`unix rule with peer=: only ${UNIX_PEER_ACCESS.join(", ")} may be given`);
  return { ...base, access: peerAccess, peer: peerLabel(label, fail) };
}

function readFileRule(args: string[], fail: (why: string) => never): Rule {
  let rest = args;
  const take = (word: string): boolean => {
    if (rest[0] !== word) return false;
    rest = rest.slice(1);
    return true;
  };
  if (rest[0] === "audit") fail("audit rules are not supported");
  const deny = take("deny");
  const owner = take("owner");
  take("file");
  const [pathText, permsText, ...extra] = rest;
  if (pathText === undefined || permsText === undefined) return fail(`cannot read rule ${JSON.stringify(args.join(" "))}`);
  if (!pathText.startsWith("/") && !pathText.startsWith('"') && !pathText.startsWith("@{")) {
    return fail(`unknown rule "${args[0]}"${/^[a-z_]+$/.test(args[0] ?? "") ? "" : " (file rules are PATH PERMS)"}`);
  }
  if (extra.length) fail(`file rule: unexpected "${extra.join(" ")}"${extra[0] === "->" ? " (exec transitions are not supported)" : ""}`);
  const path = readPath(pathText, fail);
  try {
    return deny
      ? { kind: "file", deny: true, owner, path, perms: denyPerms(permsText) }
      : { kind: "file", deny: false, owner, path, perms: filePerms(permsText) };
  } catch (error) {
    return fail((error as Error).message);
  }
}

/**
 * A rule's path: literal when (after quotes and escapes) it has no glob
 * syntax, else a glob, which must be writable without quotes.
 */
function readPath(text: string, fail: (why: string) => never): PathPattern {
  if (text.startsWith('"') && (text.length < 2 || !text.endsWith('"'))) fail(`path ${text}: unterminated quotes`);
  const aare = unquote(utf8Bytes(text));
  let bytes = "";
  let glob = false;
  for (let i = 0; i < aare.length; i++) {
    const c = aare[i] as string;
    if (c === "\\" && i + 1 < aare.length) bytes += aare[++i];
    else {
      if ("*?[{".includes(c) || (c === "@" && aare[i + 1] === "{")) glob = true;
      bytes += c;
    }
  }
  try {
    if (!glob) return literalPath(Buffer.from(bytes, "latin1"));
    if (aare.includes("\\")) fail(`path ${text}: a glob with escaped characters is not supported`);
    return globPattern(aare);
  } catch (error) {
    if (error instanceof InputError) throw error;
    return fail(`path ${text}: ${(error as Error).message}`);
  }
}
