/**
 * Replaying traces against an AppArmor profile: what the generator observes a
 * workload needs (apparmor/observe.ts: resolved paths and their permission
 * letters, execs, socket families and types, capabilities with evidence,
 * ptrace) is asked of the profile with `matches` (abstractions/base
 * included). Each need the profile does not grant is a finding, placed at the
 * first trace line that needed it. AppArmor audit records of the profile
 * (ALLOWED or DENIED) are needs as the generator reads them; the signal and
 * ptrace rules records ask for are not checked (a warning says how many).
 *
 * Unix socket rules are not asked: the 6.1 kernels runtimes run on do not
 * mediate them (only `network unix TYPE` at socket creation).
 */
import type { SourcePos } from "../events/types.js";
import type { Profile } from "../apparmor/index.js";
import { filePerms, literalPath, matchingFileRules, matches, ruleText } from "../apparmor/index.js";
import type { AccessLetter, ObservedEvent, Observations } from "../apparmor/observe.js";
import type { LinkSource } from "../apparmor/resolve.js";
import { observe } from "../apparmor/observe.js";
import { interpreterOf } from "../apparmor/interpreter.js";
import { linkSources, recordedLinks, resolvePath, rootLinks } from "../apparmor/resolve.js";
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { byCodeUnit } from "../order.js";

/** One thing the workload needs from the profile, as AppArmor asks it. */
export type AppArmorNeed =
  | { readonly kind: "file"; readonly path: string; readonly perms: string }
  | { readonly kind: "capability"; readonly capability: Capability }
  | { readonly kind: "network"; readonly domain: string; readonly type?: string }
  | { readonly kind: "ptrace"; readonly access: "read" | "trace" };

export interface DeniedAccess {
  readonly need: AppArmorNeed;
  /** For a file, the requested letters the profile does not grant (`r`, `w`, `x`, …); else the need itself. */
  readonly missing: string;
  /** The rule that would grant it, or the deny rule that takes it away. */
  readonly rule: string;
  readonly deniedBy?: "deny rule";
  /** The first trace line that needed it, and its process; undefined for a script's interpreter found under --root. */
  readonly first?: { readonly pos: SourcePos; readonly pid: number };
}

export interface AppArmorVerification {
  readonly kind: "apparmor";
  /** How many distinct accesses the traces need (files, capabilities, network, ptrace). */
  readonly needs: number;
  readonly denied: readonly DeniedAccess[];
  readonly warnings: readonly string[];
  /** What the traces showed that no rule can grant (as the generator notes it): records that give no rule, signals to pids outside the trace, … */
  readonly notes: readonly string[];
}

/** Where symlinks are read, as for the generator (AppArmorOptions); without either, only the traces' `-y` decorations resolve paths. */
export interface AppArmorVerifyOptions {
  /** The filesystem the traces were taken on: symlinks and scripts' `#!` lines are read there. */
  readonly root?: string;
  /** Symlinks `record` kept beside the traces (path → readlink target); asked before `root`. */
  readonly recordedSymlinks?: ReadonlyMap<string, string>;
}

function linksOf(options: AppArmorVerifyOptions): LinkSource | undefined {
  const sources = [
    ...(options.recordedSymlinks ? [recordedLinks(options.recordedSymlinks)] : []),
    ...(options.root !== undefined ? [rootLinks(options.root)] : []),
  ];
  return sources.length ? linkSources(sources) : undefined;
}

/** `x` last, so the request reads as AppArmor spells it. */
const LETTER_ORDER: readonly AccessLetter[] = ["m", "r", "w", "a", "l", "k", "x"];

function lettersText(letters: Iterable<AccessLetter>): string {
  const set = new Set(letters);
  return LETTER_ORDER.filter((l) => set.has(l)).join("");
}

/** The needs `observed` shows, by needKey. */
function needsOf(observed: Observations, profileName: string): Map<string, AppArmorNeed> {
  const needs: AppArmorNeed[] = [];
  for (const access of observed.files.values()) {
    for (const letter of access.letters) needs.push({ kind: "file", path: access.path, perms: letter });
  }
  for (const capability of observed.capabilities.keys()) needs.push({ kind: "capability", capability });
  for (const text of observed.network) {
    const [domain, type] = text.split(" ") as [string, string | undefined];
    needs.push(type === undefined ? { kind: "network", domain } : { kind: "network", domain, type });
  }
  if (observed.readsOtherProcess !== undefined) needs.push({ kind: "ptrace", access: "read" });
  if (observed.tracesOwn) needs.push({ kind: "ptrace", access: "trace" });
  return new Map(needs.map((need) => [needKey(need, profileName), need]));
}

/** Protocol names a `network` rule may use for a socket type (`network inet tcp,` is an inet stream socket). */
const PROTOCOL_TYPES: Readonly<Record<string, string>> = { tcp: "stream", udp: "dgram", icmp: "raw" };

function networkGranted(profile: Profile, domain: string, type: string | undefined): boolean {
  return profile.rules.some(
    (rule) =>
      rule.kind === "network" &&
      (rule.domain === undefined || rule.domain === domain) &&
      (rule.type === undefined || (type !== undefined && (rule.type === type || PROTOCOL_TYPES[rule.type] === type))),
  );
}

function ptraceGranted(profile: Profile, access: "read" | "trace"): boolean {
  // `trace` implies `read` (apparmor.d(5)).
  const implied = access === "read" ? ["read", "trace"] : ["trace"];
  return profile.rules.some(
    (rule) =>
      rule.kind === "ptrace" &&
      (rule.access.length === 0 || rule.access.some((a) => implied.includes(a))) &&
      (access === "read" || rule.peer === undefined || rule.peer === profile.name || rule.peer === "@{profile_name}"),
  );
}

/** A file need the profile refuses: the rule that would grant it, or the deny rule without which it would be granted. */
function fileDenial(profile: Profile, need: Extract<AppArmorNeed, { kind: "file" }>): Omit<DeniedAccess, "first"> | undefined {
  if (matches(profile, need.path, need.perms)) return undefined;
  const deny = matchingFileRules(profile, need.path).find(
    (rule) => rule.deny && matches({ ...profile, rules: profile.rules.filter((r) => r !== rule) }, need.path, need.perms),
  );
  if (deny) return { need, missing: need.perms, rule: ruleText(deny), deniedBy: "deny rule" };
  return { need, missing: need.perms, rule: wantedFileRule(need.path, need.perms) };
}

/** `PATH PERMS,` for requested letters: an exec as the generator grants it (`ix`), `w` covering `a`. */
function wantedFileRule(path: string, letters: string): string {
  const perms = filePerms(letters.replace(/a(?=.*w)|(?<=w.*)a/, "").replace("x", "ix"));
  return ruleText({ kind: "file", deny: false, owner: false, path: literalPath(path), perms });
}

function earlier(a: DeniedAccess["first"], b: DeniedAccess["first"]): DeniedAccess["first"] {
  if (!a || !b) return a ?? b;
  return a.pos.file < b.pos.file || (a.pos.file === b.pos.file && a.pos.line <= b.pos.line) ? a : b;
}

/** One finding per path for the letters no rule grants (deny-rule findings stay one per letter and rule). */
function mergeFileDenials(denied: readonly DeniedAccess[]): DeniedAccess[] {
  const merged = new Map<string, DeniedAccess>();
  const rest: DeniedAccess[] = [];
  for (const d of denied) {
    if (d.need.kind !== "file" || d.deniedBy) {
      rest.push(d);
      continue;
    }
    const known = merged.get(d.need.path);
    const letters = lettersText([...(known?.missing ?? ""), ...d.missing] as AccessLetter[]);
    const first = earlier(known?.first, d.first);
    const need: AppArmorNeed = { kind: "file", path: d.need.path, perms: letters };
    const rule = wantedFileRule(d.need.path, letters);
    merged.set(d.need.path, first ? { need, missing: letters, rule, first } : { need, missing: letters, rule });
  }
  return [...merged.values(), ...rest];
}

function denial(profile: Profile, need: AppArmorNeed): Omit<DeniedAccess, "first"> | undefined {
  switch (need.kind) {
    case "file":
      return fileDenial(profile, need);
    case "capability":
      return profile.rules.some((r) => r.kind === "capability" && r.capability === need.capability)
        ? undefined
        : { need, missing: need.capability, rule: `capability ${need.capability},` };
    case "network":
      return networkGranted(profile, need.domain, need.type)
        ? undefined
        : { need, missing: [need.domain, need.type].filter(Boolean).join(" "), rule: `network ${[need.domain, need.type].filter(Boolean).join(" ")},` };
    case "ptrace":
      return ptraceGranted(profile, need.access)
        ? undefined
        : { need, missing: need.access, rule: need.access === "read" ? "ptrace (read)," : `ptrace (trace) peer=${profile.name},` };
  }
}

/** The interpreters of the scripts the traces ran (their `#!` line under `root`), which the kernel execs too. */
function interpreterNeeds(observed: Observations, root: string, links: LinkSource): AppArmorNeed[] {
  const needs: AppArmorNeed[] = [];
  for (const access of observed.files.values()) {
    if (!access.letters.has("x")) continue;
    const interpreter = interpreterOf(root, access.path);
    const resolved = interpreter === undefined ? undefined : resolvePath(interpreter, links, true);
    if (resolved !== undefined) needs.push({ kind: "file", path: resolved, perms: "x" });
  }
  return needs;
}

function needKey(need: AppArmorNeed, profileName: string): string {
  switch (need.kind) {
    case "file":
      return `file\0${need.path}\0${need.perms}`;
    case "capability":
      return `capability\0${need.capability}`;
    case "network":
      return `network\0${[need.domain, need.type].filter(Boolean).join(" ")}`;
    case "ptrace":
      return need.access === "read" ? "ptrace\0read" : `ptrace\0trace\0${profileName}`;
  }
}

/**
 * The first event that needs each key in `wanted` (keys the whole trace
 * needs): each event observed on its own (with `-yy` a call names what it
 * touches); a need only the trace's state explains (an fd opened earlier
 * without `-y`) is found by bisecting on prefixes.
 */
async function firstNeeders(
  events: readonly ObservedEvent[],
  wanted: ReadonlySet<string>,
  profileName: string,
  links: LinkSource | undefined,
): Promise<Map<string, { pos: SourcePos; pid: number }>> {
  const found = new Map<string, { pos: SourcePos; pid: number }>();
  const at = (index: number) => {
    const event = events[index] as ObservedEvent & { pos: SourcePos; pid: number | undefined };
    // The kernel's AppArmor records carry pid=; 0 stands for one that does not.
    return { pos: event.pos, pid: event.pid ?? 0 };
  };
  for (let i = 0; i < events.length && found.size < wanted.size; i++) {
    const event = events[i] as ObservedEvent;
    if (event.kind !== "syscall" && event.kind !== "apparmor") continue;
    const needs = needsOf(await observe([event], { links, profileName }), profileName);
    for (const key of needs.keys()) if (wanted.has(key) && !found.has(key)) found.set(key, at(i));
  }
  // Each key is needed by the whole trace, so the shortest prefix that needs it ends at its first needer.
  for (const key of wanted) {
    if (found.has(key)) continue;
    let low = 0;
    let high = events.length;
    while (low + 1 < high) {
      const middle = (low + high) >> 1;
      if (needsOf(await observe(events.slice(0, middle), { links, profileName }), profileName).has(key)) high = middle;
      else low = middle;
    }
    found.set(key, at(high - 1));
  }
  return found;
}

function compareNeeds(a: DeniedAccess, b: DeniedAccess): number {
  const pa = a.first?.pos;
  const pb = b.first?.pos;
  if (pa && pb) {
    if (pa.file !== pb.file) return pa.file < pb.file ? -1 : 1;
    if (pa.line !== pb.line) return pa.line - pb.line;
  } else if (pa || pb) return pa ? -1 : 1;
  const ka = JSON.stringify(a.need);
  const kb = JSON.stringify(b.need);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Every access the traces need that `profile` would refuse (see the module comment), in trace order. */
export async function verifyAppArmor(
  profile: Profile,
  events: AsyncIterable<ObservedEvent> | Iterable<ObservedEvent>,
  options: AppArmorVerifyOptions = {},
): Promise<AppArmorVerification> {
  const links = linksOf(options);
  const all: ObservedEvent[] = [];
  for await (const event of events) all.push(event);
  const observed = await observe(all, { links, profileName: profile.name });
  const traced = needsOf(observed, profile.name);
  const needs = new Map(traced);
  if (options.root !== undefined && links !== undefined) {
    for (const need of interpreterNeeds(observed, options.root, links)) needs.set(needKey(need, profile.name), need);
  }
  const denials = new Map<string, Omit<DeniedAccess, "first">>();
  for (const [key, need] of needs) {
    const denied = denial(profile, need);
    if (denied) denials.set(key, denied);
  }
  const first = await firstNeeders(all, new Set([...denials.keys()].filter((key) => traced.has(key))), profile.name, links);
  const denied = mergeFileDenials(
    [...denials].map(([key, d]): DeniedAccess => {
      const where = first.get(key);
      return where ? { ...d, first: where } : d;
    }),
  );
  const unresolved = [...observed.unresolved].sort(([a], [b]) => byCodeUnit(a, b));
  const unchecked = observed.recorded.size
    ? [`${observed.recorded.size} signal or ptrace rule(s) the AppArmor records ask for not checked: verify asks files, capabilities, network and traced ptrace`]
    : [];
  const warnings = unresolved.length
    ? [
        ...unchecked,
        `${unresolved.length} path(s) not resolved through symlinks (trace without -y, no --root): ` +
          `${unresolved.slice(0, 5).map(([path, pos]) => `${path} (${pos.file}:${pos.line})`).join(", ")}` +
          `${unresolved.length > 5 ? `, and ${unresolved.length - 5} more` : ""}; the kernel checks the resolved path`,
      ]
    : unchecked;
  return { kind: "apparmor", needs: needs.size, denied: denied.sort(compareNeeds), warnings, notes: observed.notes };
}
