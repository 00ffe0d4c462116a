/**
 * profilesmith's own seccomp profile: the one intermediate form the builder
 * writes and every emitter, reader and the evaluator read. Rules are per ABI
 * and per syscall, so each format's grouping is the emitter's business.
 */
import type { ArgCondition } from "../policy/model.js";
import { ARCH_INFO, ARCHES, type Arch } from "../syscalls/arch.js";
import { byCodeUnit } from "../order.js";

/**
 * What the filter does with a call. `errno` fails the call with `errno`;
 * `trace` hands it to a ptracer with `data` as the event message.
 */
export type Verdict =
  | { readonly action: "errno"; readonly errno: number }
  | { readonly action: "trace"; readonly data: number }
  | { readonly action: "allow" | "log" | "notify" | "trap" | "kill-thread" | "kill-process" };

export type Action = Verdict["action"];

/**
 * The kernel's precedence of seccomp actions, most lenient first: when several
 * rules match one call, the strictest (last here) decides.
 */
export const ACTIONS_BY_STRICTNESS = [
  "allow",
  "log",
  "trace",
  "notify",
  "errno",
  "trap",
  "kill-thread",
  "kill-process",
] as const satisfies readonly Action[];

/** Default actions a generated profile may have (`--default-action`). */
export const DEFAULT_ACTIONS = ["errno", "kill-process", "kill-thread", "trap", "log"] as const;
export type DefaultAction = (typeof DEFAULT_ACTIONS)[number];

export const EPERM = 1;
export const ENOSYS = 38;

export const ALLOW: Verdict = { action: "allow" };

export function errnoVerdict(errno: number): Verdict {
  return { action: "errno", errno };
}

/**
 * What happens to a call made through an ABI the filter does not list.
 * libseccomp's `seccomp_init` sets SCMP_ACT_KILL (kill the thread) as the
 * bad-arch action and neither runc nor crun changes it.
 */
export const BAD_ARCH_VERDICT: Verdict = { action: "kill-thread" };

/** Allow or refuse `name` on `arch` when every condition holds (no conditions: always). */
export interface SeccompRule {
  readonly arch: Arch;
  readonly name: string;
  readonly verdict: Verdict;
  /** ANDed; at most one condition per argument index. */
  readonly args: readonly ArgCondition[];
}

export interface SeccompProfile {
  readonly defaultVerdict: Verdict;
  /** The ABIs the filter accepts, in ARCHES order; calls through any other ABI get BAD_ARCH_VERDICT. */
  readonly arches: readonly Arch[];
  /** Sorted by `compareRules`, without duplicates. */
  readonly rules: readonly SeccompRule[];
}

export function compareArches(a: Arch, b: Arch): number {
  return ARCHES.indexOf(a) - ARCHES.indexOf(b);
}

export function verdictKey(verdict: Verdict): string {
  if (verdict.action === "errno") return `errno:${verdict.errno}`;
  if (verdict.action === "trace") return `trace:${verdict.data}`;
  return verdict.action;
}

export function sameVerdict(a: Verdict, b: Verdict): boolean {
  return verdictKey(a) === verdictKey(b);
}

const valueTwo = (condition: ArgCondition) => (condition.op === "MASKED_EQ" ? condition.valueTwo : 0);

function conditionKey(condition: ArgCondition): string {
  return `${condition.index} ${condition.op} ${condition.value} ${valueTwo(condition)}`;
}

export function compareConditions(a: ArgCondition, b: ArgCondition): number {
  return a.index - b.index || byCodeUnit(a.op, b.op) || a.value - b.value || valueTwo(a) - valueTwo(b);
}

/** A rule's action and conditions, without arch and name: what emitters group names by. */
export function ruleShapeKey(rule: Pick<SeccompRule, "verdict" | "args">): string {
  return [verdictKey(rule.verdict), ...rule.args.map(conditionKey)].join("|");
}

function compareRules(a: SeccompRule, b: SeccompRule): number {
  return (
    compareArches(a.arch, b.arch) ||
    byCodeUnit(a.name, b.name) ||
    byCodeUnit(ruleShapeKey(a), ruleShapeKey(b))
  );
}

/**
 * The canonical form of a profile: arches in ARCHES order, conditions sorted,
 * rules sorted and deduplicated, rules on arches outside the filter and rules
 * that only repeat the default dropped (libseccomp refuses those, runc skips them).
 */
export function canonicalProfile(profile: SeccompProfile): SeccompProfile {
  const arches = ARCHES.filter((arch) => profile.arches.includes(arch));
  const rules = profile.rules
    .filter((rule) => arches.includes(rule.arch) && !sameVerdict(rule.verdict, profile.defaultVerdict))
    .map((rule) => ({ ...rule, args: [...rule.args].sort(compareConditions) }))
    .sort(compareRules);
  return {
    defaultVerdict: profile.defaultVerdict,
    arches,
    rules: rules.filter((rule, i) => i === 0 || compareRules(rules[i - 1] as SeccompRule, rule) !== 0),
  };
}

/**
 * `arches` with the native ABI of each added: libseccomp always filters the
 * host's native ABI, and the runtime itself execs the workload through it.
 */
export function withNativeArches(arches: readonly Arch[]): Arch[] {
  return ARCHES.filter((arch) => arches.some((given) => given === arch || ARCH_INFO[given].native === arch));
}
