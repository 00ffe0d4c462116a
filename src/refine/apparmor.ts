/**
 * Closing the complain-mode loop for AppArmor, the way aa-logprof does without
 * its questions: every ALLOWED (complain) or DENIED record of the profile or
 * its children (`NAME//null-…` after an exec in complain mode) becomes the
 * rule that grants it, unless the profile already does. Records refine cannot
 * turn into a rule, and accesses a deny rule refuses, are reported and left.
 */
import { matches } from "../apparmor/match.js";
import { renderPath, ruleText } from "../apparmor/render.js";
import { profile as makeProfile, type FilePerms, type Profile, type Rule } from "../apparmor/profile.js";
import type { AppArmorEvent, AuditEvent, SourcePos } from "../events/types.js";
import { createsFile, neededRule, type Needed } from "../apparmor/record-rules.js";
import { droppedRecordsWarning, where } from "./log-place.js";
import { plural } from "../plural.js";
import { byCodeUnit } from "../order.js";

export interface RefineAppArmorOptions {
  /** Keep `flags=(complain)` (go on learning). Default: the refined profile enforces. */
  readonly keepComplain?: boolean;
}

/** Records that agree on one thing, counted, with the earliest (by file, then line). */
export interface Seen {
  readonly count: number;
  readonly first: SourcePos;
}

/** A rule added (or an existing rule of the same path widened: `replaced`). */
export interface AddedAppArmorRule extends Seen {
  readonly rule: Rule;
  readonly replaced?: Rule;
}

/** Records left as the profile has them, and why. */
export interface UnchangedAppArmor extends Seen {
  /** What the records asked for, in words: `mount /mnt`, `file /etc/shadow r`. */
  readonly what: string;
  readonly why: string;
}

export interface RefinedAppArmor {
  readonly profile: Profile;
  /** Sorted by rule text. */
  readonly added: readonly AddedAppArmorRule[];
  readonly unchanged: readonly UnchangedAppArmor[];
  /** Whether `complain` was removed from the flags. */
  readonly leftComplain: boolean;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}


function earlier(a: SourcePos, b: SourcePos): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}

/** Complain mode logs ALLOWED, enforce mode DENIED: both are accesses the profile lacked. */
const LEARNED_VERDICTS = new Set(["ALLOWED", "DENIED"]);

interface Gathered {
  readonly records: AppArmorEvent[];
  readonly notes: string[];
  readonly warnings: string[];
}

function ofProfile(label: string | undefined, name: string): boolean {
  return label === name || (label?.startsWith(`${name}//`) ?? false);
}

async function gather(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>, name: string): Promise<Gathered> {
  const records: AppArmorEvent[] = [];
  const warnings: string[] = [];
  const counts = { otherProfiles: 0, otherVerdicts: 0, seccomp: 0, otherRecords: 0, otherLines: 0 };
  for await (const event of events) {
    switch (event.kind) {
      case "apparmor":
        if (!ofProfile(event.profile, name)) counts.otherProfiles++;
        else if (!LEARNED_VERDICTS.has(event.verdict)) counts.otherVerdicts++;
        else records.push(event);
        break;
      case "syscall":
        counts.seccomp++;
        break;
      case "audit-other":
        counts.otherRecords++;
        break;
      case "audit-loss":
        warnings.push(droppedRecordsWarning(event, "accesses"));
        break;
      case "unparsed":
        if (event.reason.startsWith("AppArmor record")) warnings.push(`${where(event.pos)}: ${event.reason}; not learned from`);
        else counts.otherLines++;
        break;
      case "signal":
      case "exit":
      case "personality":
        break;
    }
  }
  const notes = [
    ...(counts.otherProfiles > 0 ? [`${plural(counts.otherProfiles, "AppArmor record")} of other profiles ignored`] : []),
    ...(counts.otherVerdicts > 0 ? [`${plural(counts.otherVerdicts, "AppArmor record")} neither ALLOWED nor DENIED ignored`] : []),
    ...(counts.seccomp > 0 ? [`${plural(counts.seccomp, "seccomp record")} ignored (this is an AppArmor profile)`] : []),
    ...(counts.otherRecords > 0 ? [`${plural(counts.otherRecords, "audit record")} of other types ignored`] : []),
    ...(counts.otherLines > 0 ? [`${plural(counts.otherLines, "line")} that are not audit records ignored`] : []),
  ];
  if (records.length === 0) warnings.push(`the log holds no ALLOWED or DENIED records of profile ${name}: nothing to learn from`);
  return { records, notes, warnings };
}

function count<T extends Seen>(seen: T | undefined, pos: SourcePos, make: (seen: Seen) => T): T {
  const first = seen === undefined || earlier(pos, seen.first) ? pos : seen.first;
  return make({ count: (seen?.count ?? 0) + 1, first });
}

function unionPerms(a: FilePerms, b: FilePerms): FilePerms {
  const write = a.write === "w" || b.write === "w" ? "w" : (a.write ?? b.write);
  const exec = a.exec ?? b.exec;
  return {
    read: a.read || b.read,
    ...(write ? { write } : {}),
    link: a.link || b.link,
    lock: a.lock || b.lock,
    mmap: a.mmap || b.mmap,
    ...(exec ? { exec } : {}),
  };
}

/** `rule` with the permissions of `by` added, when both are file allow rules (of one path); else `rule`. */
function widened(rule: Rule, by: Rule): Rule {
  if (rule.kind !== "file" || rule.deny || by.kind !== "file" || by.deny) return rule;
  return { ...rule, perms: unionPerms(rule.perms, by.perms) };
}

/** A key for the thing a rule grants to, so rules for one path (or one capability, …) merge. */
function subjectKey(rule: Rule): string {
  return rule.kind === "file" ? `file\0${rule.owner}\0${rule.path.kind}\0${renderPath(rule.path)}` : ruleText(rule);
}

function sameList<T>(wanted: readonly T[], granted: readonly T[]): boolean {
  return granted.length === 0 || wanted.every((item) => granted.includes(item));
}

/** Whether `granted` (a rule of the profile) allows all that the non-file rule `wanted` asks. */
function grants(granted: Rule, wanted: Rule): boolean {
  const peerCovered = (peer: string | undefined, grantedPeer: string | undefined) => grantedPeer === undefined || grantedPeer === peer;
  switch (wanted.kind) {
    case "capability":
      return granted.kind === "capability" && granted.capability === wanted.capability;
    case "network":
      return (
        granted.kind === "network" &&
        (granted.domain === undefined || granted.domain === wanted.domain) &&
        (granted.type === undefined || granted.type === wanted.type)
      );
    case "signal":
      return (
        granted.kind === "signal" &&
        sameList(wanted.access, granted.access) &&
        sameList(wanted.set, granted.set) &&
        peerCovered(wanted.peer, granted.peer)
      );
    case "ptrace":
      return granted.kind === "ptrace" && sameList(wanted.access, granted.access) && peerCovered(wanted.peer, granted.peer);
    case "unix":
    case "file":
      return false;
  }
}

function allGranted(profile: Profile, needs: readonly Needed[]): boolean {
  return needs.every((need) =>
    need.kind === "file"
      ? matches(profile, need.path, need.request, { owned: need.owned })
      : profile.rules.some((rule) => grants(rule, need.rule)),
  );
}

function describeRecord(event: AppArmorEvent): string {
  const { access } = event;
  switch (access.what) {
    case "file":
      return `${event.operation} ${access.path ?? "(no name)"} ${access.requested}`;
    case "capability":
      return `capability ${access.name}`;
    case "network":
      return `network ${access.family}${access.sockType ? ` ${access.sockType}` : ""}`;
    case "signal":
      return `signal ${access.requested} ${access.signal}${access.peer ? ` peer=${access.peer}` : ""}`;
    case "ptrace":
      return `ptrace ${access.requested}${access.peer ? ` peer=${access.peer}` : ""}`;
    case "other":
      return `${event.operation}${access.class ? ` (class ${access.class})` : ""}`;
  }
}

/**
 * After an exec the profile has no rule for, complain mode runs the program
 * under a null child profile `NAME//null-PATH`, where the kernel's mapping of
 * PATH itself asks for `r`; under the parent's `ix` rule that mapping needs
 * no read permission, so learning it would grant reading the program.
 */
function mapsOwnProgram(event: AppArmorEvent, name: string): boolean {
  const { access } = event;
  return event.operation === "file_mmap" && access.what === "file" && event.profile === `${name}//null-${access.path}` && access.requested === "r";
}

/**
 * Adds to `profile` a rule for every access the AppArmor records of `events`
 * (an audit log's) show it lacked, and leaves complain mode unless
 * `keepComplain`. Pure: the same profile and log give the same result in any
 * record order, and refining the result with the same log changes nothing.
 */
export async function refineAppArmor(
  profile: Profile,
  events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  options: RefineAppArmorOptions = {},
): Promise<RefinedAppArmor> {
  const { records, notes, warnings } = await gather(events, profile.name);
  const createdPaths = new Set(records.flatMap((event) => (event.access.what === "file" && createsFile(event.access) ? [event.access.path ?? ""] : [])));
  const groups = new Map<string, { rule: Rule; needs: Needed[]; seen: Seen }>();
  const unchangedByWhat = new Map<string, UnchangedAppArmor>();
  const learnable = records.filter((event) => !mapsOwnProgram(event, profile.name));
  const selfMaps = records.length - learnable.length;
  if (selfMaps > 0) {
    notes.push(`${plural(selfMaps, "record")} of a program mapping itself under its complain-mode child profile: its exec rule (ix) covers that`);
  }
  for (const event of learnable) {
    const need = neededRule(event, profile.name, (path) => createdPaths.has(path));
    if (typeof need === "string") {
      const what = describeRecord(event);
      const key = `${what}\0${need}`;
      unchangedByWhat.set(key, count(unchangedByWhat.get(key), event.pos, (seen) => ({ what, why: need, ...seen })));
      continue;
    }
    const key = subjectKey(need.rule);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { rule: need.rule, needs: [need], seen: { count: 1, first: event.pos } });
    else {
      group.rule = widened(group.rule, need.rule);
      group.needs.push(need);
      group.seen = count(group.seen, event.pos, (seen) => seen);
    }
  }

  let rules = [...profile.rules];
  const added: AddedAppArmorRule[] = [];
  const unchanged = [...unchangedByWhat.values()];
  const alreadyGranted: string[] = [];
  for (const [key, group] of [...groups].sort(([a], [b]) => byCodeUnit(a, b))) {
    const { seen } = group;
    if (allGranted(makeProfile(profile.name, profile.flags, rules), group.needs)) {
      alreadyGranted.push(ruleText(group.rule));
      continue;
    }
    const replaced = rules.find((rule) => rule.kind === "file" && !rule.deny && subjectKey(rule) === key);
    const rule = replaced ? widened(replaced, group.rule) : { ...group.rule, comment: `learned from ${where(seen.first)}` };
    const next = [...rules.filter((r) => r !== replaced), rule];
    if (!allGranted(makeProfile(profile.name, profile.flags, next), group.needs)) {
      unchanged.push({ what: ruleText(group.rule), why: "a deny rule of the profile refuses it; refine does not override denies", ...seen });
      continue;
    }
    rules = next;
    added.push({ rule, ...(replaced ? { replaced } : {}), ...seen });
  }
  if (alreadyGranted.length > 0) notes.push(`already granted: ${alreadyGranted.sort(byCodeUnit).join(" ")}`);
  const leftComplain = profile.flags.includes("complain") && !options.keepComplain;
  const flags = leftComplain ? profile.flags.filter((flag) => flag !== "complain") : profile.flags;
  return {
    profile: makeProfile(profile.name, flags, rules),
    added: added.sort((a, b) => byCodeUnit(ruleText(a.rule), ruleText(b.rule))),
    unchanged: unchanged.sort((a, b) => byCodeUnit(a.what, b.what) || byCodeUnit(a.why, b.why)),
    leftComplain,
    notes,
    warnings,
  };
}
