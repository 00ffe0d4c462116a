/**
 * Whether a profile grants a file access, with AppArmor's semantics: a path
 * pattern is read the way apparmor_parser reads the rendered rule (quote.ts
 * unquote, variables from the tunables snapshot, glob.ts), permissions of all
 * matching allow rules add up, a matching deny rule takes its permissions
 * away, and `include <abstractions/base>` (the snapshot) is always part of
 * the profile.
 */
import { EXEC_MODES } from "../policy/apparmor-vocabulary.js";
import { compileGlob } from "./glob.js";
import type { ByteString, PathPattern } from "./path-pattern.js";
import { utf8Bytes } from "./path-pattern.js";
import type { DenyFileRule, ExecMode, FileRule, Profile } from "./profile.js";
import { renderPath } from "./render.js";
import { baseFileRules, snapshotVariables } from "./snapshot.js";
import { unquote } from "./quote.js";
import type { Variables } from "./variables.js";
import { expandVariables } from "./variables.js";

type Letter = "r" | "w" | "a" | "l" | "k" | "m";

/** Requested access: file permission letters, and `x` (any exec mode) or one exec mode. */
export interface Request {
  readonly letters: ReadonlySet<Letter>;
  readonly exec?: ExecMode | "x";
}

const EXEC_MODES_LONGEST_FIRST = [...EXEC_MODES, "x"].sort((a, b) => b.length - a.length);

/** A request from AppArmor's spelling: `r`, `rw`, `x` (any exec mode), `ix`, `mr`. Throws RangeError if malformed. */
export function fileRequest(perms: string): Request {
  const letters = new Set<Letter>();
  let exec: ExecMode | "x" | undefined;
  for (let i = 0; i < perms.length; ) {
    const mode = EXEC_MODES_LONGEST_FIRST.find((m) => perms.startsWith(m, i));
    if (mode && !exec) {
      exec = mode as ExecMode | "x";
      i += mode.length;
    } else if ("rwalkm".includes(perms[i] as string)) letters.add(perms[i++] as Letter);
    else throw new RangeError(`requested permissions ${JSON.stringify(perms)}: cannot read "${perms.slice(i)}"`);
  }
  if (letters.size === 0 && !exec) throw new RangeError("requested permissions: empty");
  return exec ? { letters, exec } : { letters };
}

export interface MatchOptions {
  /** Whether the file is owned by the task (fsuid), for `owner` rules; default true. */
  readonly owned?: boolean;
  /** Variables to expand; default the tunables snapshot. */
  readonly variables?: Variables;
}

const compiled = new Map<string, RegExp>();

/** The aare apparmor_parser builds for a pattern: the rendered rule's path unquoted, variables expanded. */
function aareOf(pattern: PathPattern, variables: Variables): string {
  return expandVariables(pattern.kind === "glob" ? pattern.source : unquote(renderPath(pattern)), variables);
}

/** Whether `pattern` matches `path` (text, UTF-8 encoded, or bytes). */
export function patternMatches(pattern: PathPattern, path: string | Uint8Array, variables: Variables = snapshotVariables()): boolean {
  return regexOf(pattern, variables).test(pathBytes(path));
}

function regexOf(pattern: PathPattern, variables: Variables): RegExp {
  const aare = aareOf(pattern, variables);
  let regex = compiled.get(aare);
  if (!regex) {
    regex = compileGlob(aare);
    compiled.set(aare, regex);
  }
  return regex;
}

function pathBytes(path: string | Uint8Array): ByteString {
  return typeof path === "string" ? utf8Bytes(path) : Buffer.from(path).toString("latin1");
}

function grantedLetters(rule: FileRule | DenyFileRule): Letter[] {
  const p = rule.perms;
  const letters: Letter[] = [];
  if (p.read) letters.push("r");
  // `w` includes appending; `ix` lets the program be mapped executable (parser_regex.c process_dfa_entry).
  if (p.write === "w") letters.push("w", "a");
  if (p.write === "a") letters.push("a");
  if (p.link) letters.push("l");
  if (p.lock) letters.push("k");
  if (p.mmap || p.exec === "ix") letters.push("m");
  return letters;
}

/** The file rules of `profile` and abstractions/base whose pattern matches `path` (owner rules only if owned). */
export function matchingFileRules(profile: Profile, path: string | Uint8Array, options: MatchOptions = {}): (FileRule | DenyFileRule)[] {
  const variables = options.variables ?? snapshotVariables();
  const bytes = pathBytes(path);
  const owned = options.owned ?? true;
  const rules = [...baseFileRules(), ...profile.rules.filter((r): r is FileRule | DenyFileRule => r.kind === "file")];
  return rules.filter((rule) => (owned || !rule.owner) && regexOf(rule.path, variables).test(bytes));
}

/** Whether the rules grant every permission in `wanted` and deny none. */
function grants(rules: readonly (FileRule | DenyFileRule)[], wanted: Request): boolean {
  const allowed = new Set<Letter>();
  const denied = new Set<Letter>();
  const execModes = new Set<string>();
  let execDenied = false;
  for (const rule of rules) {
    for (const letter of grantedLetters(rule)) (rule.deny ? denied : allowed).add(letter);
    if (rule.perms.exec) {
      if (rule.deny) execDenied = true;
      else execModes.add(rule.perms.exec);
    }
  }
  for (const letter of wanted.letters) if (!allowed.has(letter) || denied.has(letter)) return false;
  if (!wanted.exec) return true;
  if (execDenied) return false;
  return wanted.exec === "x" ? execModes.size > 0 : execModes.has(wanted.exec);
}

/**
 * Whether `profile` (with abstractions/base) lets a task open `path` with
 * `perms` (`r`, `rw`, `x` = any exec mode, `ix`, `m`, …). A path ending in `/`
 * is a directory. `path` is text (UTF-8 encoded) or raw bytes.
 */
export function matches(profile: Profile, path: string | Uint8Array, perms: string, options: MatchOptions = {}): boolean {
  return grants(matchingFileRules(profile, path, options), fileRequest(perms));
}

const EMPTY: Profile = { name: "base", flags: [], rules: [] };

/** Whether `include <abstractions/base>` alone (the snapshot) grants `perms` on `path`: the generator need not repeat it. */
export function coveredByBase(path: string | Uint8Array, perms: string, options: MatchOptions = {}): boolean {
  return matches(EMPTY, path, perms, options);
}
