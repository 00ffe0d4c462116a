/**
 * Closing the complain-mode loop for seccomp: the calls a kernel audit log
 * shows the profile did not allow are added, each for the ABI its records
 * name. Seccomp records carry no arguments, so a call the profile allows only
 * for some argument values is never widened: it is reported and left as is.
 * Explicit rules that refuse a call are the profile author's word and stay.
 */
import type { AuditEvent } from "../events/types.js";
import { FALLBACKS } from "../seccomp/fallbacks.js";
import {
  ALLOW,
  canonicalProfile,
  ENOSYS,
  EPERM,
  errnoVerdict,
  verdictKey,
  type SeccompProfile,
  type SeccompRule,
} from "../seccomp/profile.js";
import { seenInLog, type SeenCall } from "./seen-calls.js";

export interface RefineSeccompOptions {
  /** Keep a SCMP_ACT_LOG default (complain mode). Default: the refined profile enforces, with EPERM. */
  readonly keepComplain?: boolean;
}

/** Why a call the log shows was left as the profile has it. */
export type Unchanged =
  /** The profile allows it only for some argument values; the records do not say which the workload used. */
  | { readonly why: "argument-restricted"; readonly call: SeenCall; readonly rules: readonly SeccompRule[] }
  /** A rule of the profile refuses it (an explicit deny, not the default). */
  | { readonly why: "refused-by-rule"; readonly call: SeenCall; readonly rules: readonly SeccompRule[] }
  /** The filter does not list the record's ABI: the kernel kills such calls; adding an ABI is regenerating. */
  | { readonly why: "arch-not-filtered"; readonly call: SeenCall };

export interface RefinedSeccomp {
  readonly profile: SeccompProfile;
  /** The calls added, sorted by ABI and name. */
  readonly added: readonly SeenCall[];
  /** Calls the log shows refused that refine did not add: each needs the user's decision. */
  readonly unchanged: readonly Unchanged[];
  /** Whether the default went from SCMP_ACT_LOG back to EPERM. */
  readonly leftComplain: boolean;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

const PROBED_NEWER_CALLS = new Set(FALLBACKS.map((fallback) => fallback.newer));

type Judgement =
  | { readonly kind: "allowed" }
  | { readonly kind: "add" }
  | { readonly kind: "fallback" }
  | Unchanged;

/** What the profile does with a call the log shows, judged without arguments. */
function judge(profile: SeccompProfile, call: SeenCall): Judgement {
  if (!profile.arches.includes(call.arch)) return { why: "arch-not-filtered", call };
  const rules = profile.rules.filter((rule) => rule.arch === call.arch && rule.name === call.name);
  if (rules.some((rule) => rule.verdict.action === "allow" && rule.args.length === 0)) return { kind: "allowed" };
  const conditional = rules.filter((rule) => rule.verdict.action === "allow");
  if (conditional.length > 0) return { why: "argument-restricted", call, rules: conditional };
  // A per-call log rule is complain mode for that call; it gives way to the allow like the log default.
  const refusing = rules.filter((rule) => rule.verdict.action !== "log");
  const enosys = verdictKey(errnoVerdict(ENOSYS));
  if (refusing.length > 0 && refusing.every((rule) => verdictKey(rule.verdict) === enosys && rule.args.length === 0)) {
    if (PROBED_NEWER_CALLS.has(call.name)) return { kind: "fallback" };
  }
  if (refusing.length > 0) return { why: "refused-by-rule", call, rules: refusing };
  return profile.defaultVerdict.action === "allow" ? { kind: "allowed" } : { kind: "add" };
}

/**
 * Adds to `profile` every call `events` (an audit log's) show it did not
 * allow, and leaves complain mode unless `keepComplain`. Pure: the same
 * profile and log give the same result, and refining the result with the same
 * log changes nothing.
 */
export async function refineSeccomp(
  profile: SeccompProfile,
  events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  options: RefineSeccompOptions = {},
): Promise<RefinedSeccomp> {
  const seen = await seenInLog(events);
  const added: SeenCall[] = [];
  const unchanged: Unchanged[] = [];
  const allowed: SeenCall[] = [];
  const notes = [...seen.notes];
  for (const call of seen.calls) {
    const judgement = judge(profile, call);
    if ("why" in judgement) unchanged.push(judgement);
    else if (judgement.kind === "add") added.push(call);
    else if (judgement.kind === "allowed") allowed.push(call);
    else notes.push(`${call.name} (${call.arch}): left answered ENOSYS, so callers take their older fallback`);
  }
  if (allowed.length > 0) {
    // Records of an earlier refine's log, or of another profile: nothing to add for them.
    notes.push(`already allowed: ${allowed.map((call) => `${call.name} (${call.arch})`).join(", ")}`);
  }
  const isAdded = (rule: SeccompRule) => added.some((call) => call.arch === rule.arch && call.name === rule.name);
  const leftComplain = profile.defaultVerdict.action === "log" && !options.keepComplain;
  const refined = canonicalProfile({
    defaultVerdict: leftComplain ? errnoVerdict(EPERM) : profile.defaultVerdict,
    arches: profile.arches,
    rules: [
      ...profile.rules.filter((rule) => !isAdded(rule)),
      ...added.map((call) => ({ arch: call.arch, name: call.name, verdict: ALLOW, args: [] })),
    ],
  });
  return { profile: refined, added, unchanged, leftComplain, notes, warnings: seen.warnings };
}
