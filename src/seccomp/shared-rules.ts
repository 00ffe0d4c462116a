/**
 * The formats hold one rule list for several ABIs (OCI and SPO: for all of
 * them; Docker: per native ABI and its compat ABIs), and a runtime applies
 * each named rule on every ABI that has the call. This module folds a
 * profile's per-ABI rules into such a list, refusing when the ABIs' rules
 * differ in a way one list cannot say.
 */
import type { ArgCondition } from "../policy/model.js";
import { UsageError } from "../errors.js";
import { isSyscall } from "../syscalls/index.js";
import type { Arch } from "../syscalls/arch.js";
import {
  ACTIONS_BY_STRICTNESS,
  ruleShapeKey,
  type SeccompProfile,
  type SeccompRule,
  type Verdict,
} from "./profile.js";
import { byCodeUnit } from "../order.js";

/** Rules with the same action and conditions, for every name in `names` (sorted). */
export interface RuleGroup {
  readonly names: readonly string[];
  readonly verdict: Verdict;
  readonly args: readonly ArgCondition[];
}

/** The one list of rules `arches` share, grouped by action and conditions. */
export function sharedRuleGroups(profile: SeccompProfile, arches: readonly Arch[], format: string): RuleGroup[] {
  const inScope = profile.rules.filter((rule) => arches.includes(rule.arch));
  const keys = new Set(inScope.map((rule) => `${rule.arch} ${rule.name} ${ruleShapeKey(rule)}`));
  for (const rule of inScope) {
    for (const arch of arches) {
      if (isSyscall(arch, rule.name) && !keys.has(`${arch} ${rule.name} ${ruleShapeKey(rule)}`)) {
        throw new UsageError(
          `the profile treats ${rule.name} differently on ${rule.arch} and ${arch}, which the ${format} format ` +
            "cannot say (it holds one rule list for those ABIs); generate one profile per ABI",
        );
      }
    }
  }
  return groupRules(inScope);
}

function groupRules(rules: readonly SeccompRule[]): RuleGroup[] {
  const groups = new Map<string, { names: Set<string>; verdict: Verdict; args: readonly ArgCondition[] }>();
  for (const rule of rules) {
    const key = ruleShapeKey(rule);
    const group = groups.get(key) ?? { names: new Set<string>(), verdict: rule.verdict, args: rule.args };
    group.names.add(rule.name);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ names: [...group.names].sort(byCodeUnit), verdict: group.verdict, args: group.args }))
    .sort(compareGroups);
}

/** Most lenient action first, unconditional before conditional, then by first name. */
function compareGroups(a: RuleGroup, b: RuleGroup): number {
  return (
    ACTIONS_BY_STRICTNESS.indexOf(a.verdict.action) - ACTIONS_BY_STRICTNESS.indexOf(b.verdict.action) ||
    a.args.length - b.args.length ||
    byCodeUnit(ruleShapeKey(a), ruleShapeKey(b)) ||
    byCodeUnit(a.names[0] ?? "", b.names[0] ?? "")
  );
}

/**
 * The per-ABI rules a shared rule list means: each group's names on each
 * ABI of `arches` that has the call, as libseccomp resolves names per ABI.
 */
export function expandRuleGroups(groups: readonly RuleGroup[], arches: readonly Arch[]): SeccompRule[] {
  return groups.flatMap((group) =>
    group.names.flatMap((name) =>
      arches.filter((arch) => isSyscall(arch, name)).map((arch) => ({ arch, name, verdict: group.verdict, args: group.args })),
    ),
  );
}
