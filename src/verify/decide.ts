/**
 * What a runtime's filter answers a traced call, and why, with the evaluator
 * as the oracle. The filter is the profile as runc 1.1.5 and crun 1.8.1 load
 * it: rules naming calls their libseccomp does not know are dropped. When a
 * rule compares an argument the trace does not show, every answer the filter
 * could give is kept, so a call is passed only when all of them allow it.
 */
import { conditionHolds, evaluate } from "../seccomp/evaluate.js";
import { LIBSECCOMP_VERSION, UNKNOWN_TO_LIBSECCOMP } from "../seccomp/libseccomp.js";
import { sameVerdict, type SeccompProfile, type SeccompRule, type Verdict } from "../seccomp/profile.js";
import type { Arch } from "../syscalls/arch.js";
import { argValueText, conditionsText, letsCallRun, verdictText } from "./describe.js";
import type { FilterArgs } from "./filter-args.js";

/** The filter's answer: one verdict, or the several it could give for argument values the trace does not show. */
export type FilterAnswer =
  | { readonly known: true; readonly verdict: Verdict }
  | { readonly known: false; readonly verdicts: readonly Verdict[]; readonly unknownArgs: readonly number[] };

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly answer: FilterAnswer; readonly reason: string };

/** A profile's rules by ABI and call, for answering many calls quickly. */
export interface RuleIndex {
  readonly profile: SeccompProfile;
  readonly rules: ReadonlyMap<string, readonly SeccompRule[]>;
}

const callKey = (arch: Arch, name: string) => `${arch} ${name}`;

export function indexRules(profile: SeccompProfile): RuleIndex {
  const rules = new Map<string, SeccompRule[]>();
  for (const rule of profile.rules) {
    const key = callKey(rule.arch, rule.name);
    rules.set(key, [...(rules.get(key) ?? []), rule]);
  }
  return { profile, rules };
}

function rulesFor(index: RuleIndex, arch: Arch, name: string): readonly SeccompRule[] {
  return index.rules.get(callKey(arch, name)) ?? [];
}

/** The argument positions the rules for a call compare: all that matter to its answer. */
export function comparedArgs(index: RuleIndex, arch: Arch, name: string): number[] {
  const indexes = new Set(rulesFor(index, arch, name).flatMap((rule) => rule.args.map((c) => c.index)));
  return [...indexes].sort((a, b) => a - b);
}

function answerOf(profile: SeccompProfile, arch: Arch, name: string, rules: readonly SeccompRule[], args: FilterArgs): FilterAnswer {
  const known = args.map((value) => value ?? 0);
  const single = (subset: readonly SeccompRule[]) => evaluate({ ...profile, rules: subset }, arch, name, known);
  const unknownIn = (rule: SeccompRule) => rule.args.filter((c) => args[c.index] === undefined).map((c) => c.index);
  const definite = rules.filter((rule) => unknownIn(rule).length === 0);
  const maybe = rules.filter(
    (rule) => unknownIn(rule).length > 0 && rule.args.every((c) => args[c.index] === undefined || conditionHolds(c, known[c.index] ?? 0)),
  );
  const base = single(definite);
  // Any subset of the undecidable rules may match; strictest-wins makes each answer one of these.
  const verdicts = [base, ...maybe.map((rule) => single([...definite, { ...rule, args: [] }]))].filter(
    (verdict, i, all) => all.findIndex((other) => sameVerdict(other, verdict)) === i,
  );
  if (verdicts.length === 1) return { known: true, verdict: base };
  const unknownArgs = [...new Set(maybe.flatMap(unknownIn))].sort((a, b) => a - b);
  return { known: false, verdicts, unknownArgs };
}

function shownArgs(name: string, indexes: readonly number[], args: FilterArgs): string {
  const shown = indexes.flatMap((i) => {
    const value = args[i];
    return value === undefined ? [] : [`arg${i}=${argValueText(name, i, value)}`];
  });
  return shown.length === 0 ? "" : ` with ${shown.join(", ")}`;
}

function allowingConditions(name: string, rules: readonly SeccompRule[]): string {
  const allowing = rules.filter((rule) => letsCallRun(rule.verdict));
  return allowing.length === 0 ? "" : `; it allows ${name} when ${allowing.map((r) => conditionsText(name, r.args)).join(", or ")}`;
}

function reasonFor(index: RuleIndex, arch: Arch, name: string, args: FilterArgs, answer: FilterAnswer): string {
  const rules = rulesFor(index, arch, name);
  const compared = comparedArgs(index, arch, name);
  if (!answer.known) {
    const which = answer.unknownArgs.map((i) => `arg${i}`).join(", ");
    return (
      `the answer depends on ${which}, which the trace does not show: ` +
      `${answer.verdicts.map(verdictText).join(" or ")}${allowingConditions(name, rules)}`
    );
  }
  const matched = rules.some(
    (rule) => !sameVerdict(rule.verdict, index.profile.defaultVerdict) && sameVerdict(rule.verdict, answer.verdict) &&
      rule.args.every((c) => conditionHolds(c, args[c.index] ?? 0)),
  );
  if (matched) return `a rule answers ${name}${shownArgs(name, compared, args)} with ${verdictText(answer.verdict)}`;
  return `no rule allows ${name}${shownArgs(name, compared, args)}${allowingConditions(name, rules)}`;
}

/** The profile as the runtimes load it: without rules naming calls libseccomp does not know on their ABI. */
export function enforcedProfile(profile: SeccompProfile): SeccompProfile {
  return { ...profile, rules: profile.rules.filter((rule) => !UNKNOWN_TO_LIBSECCOMP[rule.arch].has(rule.name)) };
}

/**
 * How the filter built from `written` (as the runtime loads it: `enforced`)
 * answers `name` called through `arch` with `args`.
 */
export function decide(written: RuleIndex, enforced: RuleIndex, arch: Arch, name: string, args: FilterArgs): Decision {
  const profile = enforced.profile;
  if (!profile.arches.includes(arch)) {
    const answer: FilterAnswer = { known: true, verdict: evaluate(profile, arch, name) };
    return { allowed: false, answer, reason: `the profile does not filter the ${arch} ABI: every call through it gets ${verdictText(answer.verdict)}` };
  }
  const answer = answerOf(profile, arch, name, rulesFor(enforced, arch, name), args);
  if (answer.known && letsCallRun(answer.verdict)) return { allowed: true };
  if (answer.known && UNKNOWN_TO_LIBSECCOMP[arch].has(name)) {
    const asWritten = answerOf(written.profile, arch, name, rulesFor(written, arch, name), args);
    if (!asWritten.known || letsCallRun(asWritten.verdict)) {
      return {
        allowed: false,
        answer,
        reason:
          `the profile allows ${name}, but libseccomp ${LIBSECCOMP_VERSION} (runc 1.1.5, crun 1.8.1) does not know it ` +
          `on ${arch}: the runtime drops the rule and the call gets ${verdictText(answer.verdict)}`,
      };
    }
  }
  return { allowed: false, answer, reason: reasonFor(enforced, arch, name, args, answer) };
}
