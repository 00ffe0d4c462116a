/**
 * What two seccomp profiles do differently, per ABI and call, compared
 * through our profile type: a Docker and an OCI rendering of one profile are
 * equal. Each call's rules are normalised (rules another one overrides are
 * dropped, see `behaviour`) and then compared as sets, so "same" is exact:
 * the evaluator answers every call alike. The reverse holds for the shapes
 * profiles take in practice, not for every one: rules that cover the same
 * values in different pieces (`== 1` and `!= 1` against one unconditional
 * rule) are reported as a difference.
 */
import type { ArgCondition } from "../policy/model.js";
import { evaluate } from "../seccomp/evaluate.js";
import { ARCHES, type Arch } from "../syscalls/arch.js";
import {
  BAD_ARCH_VERDICT,
  compareConditions,
  ruleShapeKey,   sameVerdict,
  verdictKey,
  type SeccompProfile,
  type SeccompRule,
  type Verdict,
} from "../seccomp/profile.js";
import { indexRules, type RuleIndex } from "../verify/decide.js";

/** How a profile answers one call: its rules (ORed, strictest wins), and what every other call gets. */
export interface CallBehaviour {
  /** Sorted; empty when the call always gets `otherwise`. */
  readonly rules: readonly { readonly verdict: Verdict; readonly args: readonly ArgCondition[] }[];
  /** The default action, or on an ABI the profile does not filter, the bad-arch action. */
  readonly otherwise: Verdict;
}

export interface CallDifference {
  readonly syscall: string;
  readonly a: CallBehaviour;
  readonly b: CallBehaviour;
}

/** How one side treats an ABI as a whole. */
export interface ArchTreatment {
  readonly filtered: boolean;
  /** What a call without a rule gets. */
  readonly otherwise: Verdict;
}

export interface ArchDifference {
  readonly arch: Arch;
  readonly a: ArchTreatment;
  readonly b: ArchTreatment;
  /** Whether calls without rules on either side are answered differently. */
  readonly otherwiseDiffers: boolean;
  /** The calls with rules on some side that the two answer differently, sorted. */
  readonly calls: readonly CallDifference[];
}

export interface SeccompDiff {
  readonly kind: "seccomp";
  readonly same: boolean;
  /** The ABIs either profile filters on which they differ, in ARCHES order. */
  readonly arches: readonly ArchDifference[];
}

function treatment(profile: SeccompProfile, arch: Arch): ArchTreatment {
  const filtered = profile.arches.includes(arch);
  return { filtered, otherwise: filtered ? profile.defaultVerdict : BAD_ARCH_VERDICT };
}

/** Whether `general` matches every call `specific` matches: its conditions are a subset of the other's. */
function implied(general: SeccompRule, specific: SeccompRule): boolean {
  return general.args.every((c) => specific.args.some((d) => compareConditions(c, d) === 0));
}

/**
 * The call's rules without those another rule makes irrelevant: one that
 * matches whenever it does and is at least as strict (strictest wins, so the
 * dropped rule never changes the answer). A call left with one unconditional
 * rule always gets that rule's verdict.
 */
function behaviour(index: RuleIndex, arch: Arch, name: string): CallBehaviour {
  const { otherwise } = treatment(index.profile, arch);
  const rules: readonly SeccompRule[] = index.profile.arches.includes(arch) ? (index.rules.get(`${arch} ${name}`) ?? []) : [];
  const beats = (s: SeccompRule, r: SeccompRule) =>
    sameVerdict(evaluate({ ...index.profile, rules: [{ ...s, args: [] }, { ...r, args: [] }] }, arch, name), s.verdict);
  const kept = rules.filter((r) => !rules.some((s) => s !== r && implied(s, r) && beats(s, r)));
  const [only] = kept;
  if (kept.length === 1 && only !== undefined && only.args.length === 0) return { rules: [], otherwise: only.verdict };
  const shaped = kept.map((rule) => ({ verdict: rule.verdict, args: rule.args }));
  return { rules: shaped.sort((x, y) => (ruleShapeKey(x) < ruleShapeKey(y) ? -1 : ruleShapeKey(x) > ruleShapeKey(y) ? 1 : 0)), otherwise };
}

function behaviourKey(b: CallBehaviour): string {
  return [verdictKey(b.otherwise), ...b.rules.map(ruleShapeKey)].join(" ; ");
}

function callNames(index: RuleIndex, arch: Arch): string[] {
  return index.profile.rules.filter((rule) => rule.arch === arch).map((rule) => rule.name);
}

function archDifference(a: RuleIndex, b: RuleIndex, arch: Arch): ArchDifference | undefined {
  const names = [...new Set([...callNames(a, arch), ...callNames(b, arch)])].sort();
  const calls = names.flatMap((syscall) => {
    const left = behaviour(a, arch, syscall);
    const right = behaviour(b, arch, syscall);
    return behaviourKey(left) === behaviourKey(right) ? [] : [{ syscall, a: left, b: right }];
  });
  const ta = treatment(a.profile, arch);
  const tb = treatment(b.profile, arch);
  const otherwiseDiffers = !sameVerdict(ta.otherwise, tb.otherwise);
  if (calls.length === 0 && !otherwiseDiffers) return undefined;
  return { arch, a: ta, b: tb, otherwiseDiffers, calls };
}

export function diffSeccomp(a: SeccompProfile, b: SeccompProfile): SeccompDiff {
  const ia = indexRules(a);
  const ib = indexRules(b);
  const arches = ARCHES.filter((arch) => a.arches.includes(arch) || b.arches.includes(arch))
    .map((arch) => archDifference(ia, ib, arch))
    .filter((difference): difference is ArchDifference => difference !== undefined);
  return { kind: "seccomp", same: arches.length === 0, arches };
}
