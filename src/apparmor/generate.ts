/**
 * Traces and allowlists → a least-privilege AppArmor profile for a container:
 * what the workload did (observe.ts) at the paths the kernel mediates
 * (resolve.ts), per-run names as narrow globs (per-run.ts), many reads of one
 * package as one read-only glob (sibling-globs.ts), minus what
 * `abstractions/base` already grants, plus the container manners every such
 * profile needs.
 */
import { InputError } from "../errors.js";
import type { Allowlist } from "../policy/allowlist.js";
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { interpreterOf } from "./interpreter.js";
import { coveredByBase } from "./match.js";
import type { AccessLetter, FileAccess, ObservedEvents, Observations } from "./observe.js";
import { observeTraces } from "./observe.js";
import type { PathPattern } from "./path-pattern.js";
import { globPattern, literalPath } from "./path-pattern.js";
import { perRunGlob } from "./per-run.js";
import type { FilePerms, NetworkDomain, NetworkType, Profile, ProfileFlag, Rule } from "./profile.js";
import { filePerms, permsText, profile } from "./profile.js";
import { renderProfile } from "./render.js";
import type { LinkSource } from "./resolve.js";
import { linkSources, recordedLinks, resolvePath, rootLinks } from "./resolve.js";
import { siblingGlobs } from "./sibling-globs.js";
import { byCodeUnit } from "../order.js";

export interface AppArmorOptions {
  /** The profile's name: letters, digits, `_ . -`. */
  readonly name: string;
  /** Trace events, and AppArmor audit records: those of `name` count (see ObserveOptions.profileName). */
  readonly traces?: readonly ObservedEvents[];
  readonly allowlists?: readonly Allowlist[];
  /** The filesystem the traces were taken on (`/`, an unpacked image): symlinks and `#!` lines are read there. */
  readonly root?: string;
  /** Symlinks `record` kept beside the traces (path → readlink target); asked before `root`. */
  readonly recordedSymlinks?: ReadonlyMap<string, string>;
  /** Grant dac_override, dac_read_search, fowner and fsetid when the workload runs as root (default true). */
  readonly implicitCapabilities?: boolean;
  /** Complain mode (`flags=(complain)`): what the profile lacks is logged as ALLOWED, not denied; `refine` learns from it. */
  readonly complain?: boolean;
}

export interface GeneratedAppArmor {
  readonly profile: Profile;
  readonly text: string;
  /** Each glob rule and the observed paths it covers (for `--explain`), sorted. */
  readonly explanation: readonly string[];
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

/** Container manners: Docker's profiles carry the same. */
const CONTAINER_FLAGS: readonly ProfileFlag[] = ["attach_disconnected", "mediate_deleted"];

/**
 * Capabilities a root workload may use without a trace showing it: permission
 * checks that fail for root without them (strace shows the call succeed, not
 * the capability that let it).
 */
const IMPLICIT_ROOT_CAPABILITIES: readonly (readonly [Capability, string])[] = [
  ["dac_override", "root writes or reads files whose mode bits do not let it (implied: the workload runs as root)"],
  ["dac_read_search", "root searches directories whose mode bits do not let it (implied: the workload runs as root)"],
  ["fowner", "root changes the mode or times of files it does not own (implied: the workload runs as root)"],
  ["fsetid", "root keeps set-id bits when writing or chmod-ing files (implied: the workload runs as root)"],
];

/** How many covered paths a glob's comment lists before pointing to --explain. */
const COMMENT_PATHS = 3;

type Letters = ReadonlySet<AccessLetter>;

/** AppArmor permissions for observed letters: `w` covers `a`; an exec is `ix` (inherit this profile). */
function permsOf(letters: Letters): FilePerms {
  const write = letters.has("w") ? "w" : letters.has("a") ? "a" : undefined;
  return {
    read: letters.has("r"),
    ...(write ? { write } : {}),
    link: letters.has("l"),
    lock: letters.has("k"),
    mmap: letters.has("m") && !letters.has("x"),
    ...(letters.has("x") ? { exec: "ix" as const } : {}),
  };
}

/** The request coveredByBase is asked (`x` as `ix`, since base grants no exec at all). */
function requestOf(letters: Letters): string {
  return permsText(permsOf(letters));
}

interface PathGroup {
  readonly pattern: PathPattern;
  readonly owner: boolean;
  readonly letters: Set<AccessLetter>;
  readonly covers: string[];
}

function coverComment(covers: readonly string[]): string {
  const shown = covers.slice(0, COMMENT_PATHS).join(", ");
  const more = covers.length > COMMENT_PATHS ? ` and ${covers.length - COMMENT_PATHS} more (--explain lists them)` : "";
  return `covers ${covers.length === 1 ? "" : `${covers.length} observed paths: `}${shown}${more}`;
}

/** Adds the interpreters of the scripts the workload ran (their `#!` line under `root`). */
function addInterpreters(observed: Observations, root: string, links: LinkSource, notes: string[]): void {
  const execs = [...observed.files.values()].filter((f) => f.letters.has("x")).map((f) => f.path);
  for (const script of execs.sort()) {
    const interpreter = interpreterOf(root, script);
    if (interpreter === undefined) continue;
    const resolved = resolvePath(interpreter, links, true);
    if (resolved === undefined) continue;
    notes.push(`${script} is a script: its interpreter ${resolved} may run too`);
    const existing = observed.files.get(resolved);
    if (existing) existing.letters.add("x");
    else observed.files.set(resolved, { path: resolved, letters: new Set(["x"]), created: false });
  }
}

/** File rules from observed accesses: per-run globs, sibling globs, minus abstractions/base. */
function fileRules(observed: Observations, explanation: string[]): Rule[] {
  const accesses = [...observed.files.values()].sort((a, b) => byCodeUnit(a.path, b.path));
  const created = (prefix: string) => observed.files.get(prefix)?.created === true;
  const needed = accesses.filter((a) => !coveredByBase(a.path, requestOf(a.letters)));
  const groups = new Map<string, PathGroup>();
  const addTo = (key: string, make: () => Omit<PathGroup, "letters" | "covers">, access: FileAccess, letters: Iterable<AccessLetter>) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ...make(), letters: new Set(), covers: [] }));
    for (const letter of letters) group.letters.add(letter);
    group.covers.push(access.path);
  };
  const literals: FileAccess[] = [];
  for (const access of needed) {
    const glob = perRunGlob(access.path, created);
    if (glob) addTo(`glob\0${glob.source}`, () => ({ pattern: globPattern(glob.source), owner: glob.owner }), access, access.letters);
    else literals.push(access);
  }
  const readOnly = literals.filter((a) => a.letters.size === 1 && a.letters.has("r")).map((a) => a.path);
  const siblings = siblingGlobs(readOnly);
  const replaced = new Map(siblings.flatMap((s) => s.covers.map((path) => [path, s.directory] as const)));
  for (const access of literals) {
    const directory = replaced.get(access.path);
    if (directory !== undefined) {
      addTo(`glob\0${directory}**`, () => ({ pattern: globPattern(`${directory}**`), owner: false }), access, ["r"]);
    } else {
      addTo(`literal\0${access.path}`, () => ({ pattern: literalPath(access.path), owner: false }), access, access.letters);
    }
  }
  return [...groups.values()].map((group) => {
    const perms = permsOf(group.letters);
    if (group.pattern.kind === "literal") return { kind: "file", deny: false, owner: false, path: group.pattern, perms };
    explanation.push(`${group.pattern.source} ${permsText(perms)} covers:`, ...group.covers.map((path) => `  ${path}`));
    return { kind: "file", deny: false, owner: group.owner, path: group.pattern, perms, comment: coverComment(group.covers) };
  });
}

function capabilityRules(observed: Observations, implicit: boolean): Rule[] {
  const rules: Rule[] = [...observed.capabilities].map(([capability, why]) => ({ kind: "capability", capability, comment: why }));
  if (implicit && observed.root) {
    for (const [capability, why] of IMPLICIT_ROOT_CAPABILITIES) {
      if (!observed.capabilities.has(capability)) rules.push({ kind: "capability", capability, comment: why });
    }
  }
  return rules;
}

function networkRules(observed: Observations): Rule[] {
  return [...observed.network].map((text) => {
    const [domain, type] = text.split(" ") as [NetworkDomain, NetworkType | undefined];
    return { kind: "network", domain, ...(type ? { type } : {}) };
  });
}

function interProcessRules(observed: Observations, name: string): Rule[] {
  const rules: Rule[] = [
    { kind: "signal", access: ["receive"], set: [], peer: "unconfined", comment: "the container runtime stops the container (docker stop, kill)" },
  ];
  for (const [type, accesses] of [...observed.unix].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (accesses.size > 0) rules.push({ kind: "unix", access: [...accesses], type });
  }
  if (observed.readsOtherProcess !== undefined) {
    rules.push({ kind: "ptrace", access: ["read"], comment: `reads /proc of processes outside the trace (ps, top): ${observed.readsOtherProcess}` });
  }
  if (observed.tracesOwn) rules.push({ kind: "ptrace", access: ["trace"], peer: name, comment: "the workload traces its own processes" });
  return [...rules, ...observed.recorded.values()];
}

/** An allowlist's `apparmor:` section as rules; a path that is not a glob we can write is an InputError at its field. */
function allowlistRules(allowlist: Allowlist): Rule[] {
  const section = allowlist.content.apparmor;
  if (!section) return [];
  const comment = `from ${allowlist.file}`;
  const pattern = (path: string, field: (string | number)[]): PathPattern => {
    try {
      return globPattern(path);
    } catch (error) {
      throw new InputError(`${field.join(".")}: ${(error as Error).message}`, allowlist.posOf(field));
    }
  };
  return [
    ...(section.files ?? []).map((file, i): Rule => ({
      kind: "file", deny: false, owner: false, path: pattern(file.path, ["apparmor", "files", i, "path"]), perms: filePerms(file.perms), comment,
    })),
    ...(section.exec ?? []).map((path, i): Rule => ({
      kind: "file", deny: false, owner: false, path: pattern(path, ["apparmor", "exec", i]), perms: filePerms("ix"), comment,
    })),
    ...(section.capabilities ?? []).map((capability): Rule => ({ kind: "capability", capability, comment })),
    ...(section.network ?? []).map((text): Rule => {
      const words = text.split(" ");
      const [domain, type] = words.length === 2 ? words : (words[0] as string) in NETWORK_TYPE_WORDS ? [undefined, words[0]] : [words[0], undefined];
      return { kind: "network", ...(domain ? { domain: domain as NetworkDomain } : {}), ...(type ? { type: type as NetworkType } : {}), comment };
    }),
  ];
}

const NETWORK_TYPE_WORDS: Readonly<Record<string, true>> = Object.fromEntries(
  ["stream", "dgram", "seqpacket", "rdm", "raw", "packet", "tcp", "udp", "icmp"].map((w) => [w, true]),
);

function unresolvedWarning(observed: Observations): string[] {
  const paths = [...observed.unresolved].sort(([a], [b]) => byCodeUnit(a, b));
  if (paths.length === 0) return [];
  const shown = paths.slice(0, 5).map(([path, pos]) => `${path} (${pos.file}:${pos.line})`);
  const more = paths.length > 5 ? `, and ${paths.length - 5} more` : "";
  return [
    `${paths.length} path(s) not resolved through symlinks (trace without -y, no symlinks.json, no --root): ${shown.join(", ")}${more}; ` +
      "AppArmor mediates the resolved path, so rules for these may not match",
  ];
}

/** The profile for `options` (see the module comment). Throws InputError for a bad name or allowlist path. */
export async function generateAppArmor(options: AppArmorOptions): Promise<GeneratedAppArmor> {
  try {
    profile(options.name, [], []);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const sources = [
    ...(options.recordedSymlinks ? [recordedLinks(options.recordedSymlinks)] : []),
    ...(options.root !== undefined ? [rootLinks(options.root)] : []),
  ];
  const links = sources.length ? linkSources(sources) : undefined;
  const observed = await observeTraces(options.traces ?? [], { links, profileName: options.name });
  const notes = [...observed.notes];
  if ((options.implicitCapabilities ?? true) && observed.root === undefined) {
    notes.push("the traces do not show the user id (no getuid/geteuid): dac_override, dac_read_search, fowner, fsetid not added");
  }
  if (options.root !== undefined && links) addInterpreters(observed, options.root, links, notes);
  else if ([...observed.files.values()].some((f) => f.letters.has("x"))) notes.push("no --root: the #! interpreters of scripts the workload ran are not added");
  const explanation: string[] = [];
  const rules = [
    ...capabilityRules(observed, options.implicitCapabilities ?? true),
    ...networkRules(observed),
    ...interProcessRules(observed, options.name),
    ...fileRules(observed, explanation),
    ...(options.allowlists ?? []).flatMap(allowlistRules),
  ];
  const result = profile(options.name, options.complain ? [...CONTAINER_FLAGS, "complain"] : CONTAINER_FLAGS, rules);
  return { profile: result, text: renderProfile(result), explanation, warnings: unresolvedWarning(observed), notes: notes.sort(byCodeUnit) };
}
