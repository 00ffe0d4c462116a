/**
 * Merging policies: a true union (commutative, associative, idempotent), and
 * the generators' view of a policy, `effectiveAllows`, which applies denies
 * last. Everything comes out sorted, so equal policies serialize to the same bytes.
 */
import { ARCHES, type Arch } from "../syscalls/arch.js";
import { byCodeUnit } from "../order.js";
import { ARG_INDEXES, PID_SAMPLE } from "./constants.js";
import type {
  ArchAllows,
  ArgCondition,
  ArgFacts,
  ArgRule,
  ArgValues,
  Policy,
  Source,
  SyscallAllow,
  SyscallDeny,
} from "./model.js";

export const EMPTY_POLICY: Policy = { allow: {}, deny: {} };

function sortedUnion<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const merged = [...a, ...b].sort(compare);
  return merged.filter((item, i) => i === 0 || compare(merged[i - 1] as T, item) !== 0);
}

const numbers = (a: readonly number[], b: readonly number[]) => sortedUnion(a, b, (x, y) => x - y);

/** Merges two records key by key, emitting keys in `order`. */
function mergeRecords<K extends string, V>(
  a: Partial<Record<K, V>>,
  b: Partial<Record<K, V>>,
  join: (x: V, y: V) => V,
  order: (x: K, y: K) => number = byCodeUnit,
): Partial<Record<K, V>> {
  const keys = sortedUnion(Object.keys(a) as K[], Object.keys(b) as K[], order);
  const out: Partial<Record<K, V>> = {};
  for (const key of keys) {
    const x = (a[key] ?? b[key]) as V;
    const y = (b[key] ?? a[key]) as V;
    // A key on one side only is joined with itself: join is idempotent, and its result canonical.
    out[key] = join(x, y);
  }
  return out;
}

const compareArches = (a: Arch, b: Arch) => ARCHES.indexOf(a) - ARCHES.indexOf(b);

function sourceKey(source: Source): string {
  return `${source.kind}\0${source.file}`;
}

function joinSource<S extends Source>(a: S, b: S): S {
  if (a.kind === "trace" && b.kind === "trace") {
    // The same trace read twice is still one trace: max and union keep merging idempotent.
    return { ...a, calls: Math.max(a.calls, b.calls), pids: numbers(a.pids, b.pids).slice(0, PID_SAMPLE) };
  }
  return a;
}

/** Sorted by kind then file; one entry per source. */
export function mergeSources<S extends Source>(a: readonly S[], b: readonly S[]): S[] {
  const byKey = new Map<string, S>();
  for (const source of [...a, ...b]) {
    const key = sourceKey(source);
    const seen = byKey.get(key);
    byKey.set(key, joinSource(seen ?? source, source));
  }
  return [...byKey.entries()].sort(([x], [y]) => byCodeUnit(x, y)).map(([, source]) => source);
}

export function joinArgValues(a: ArgValues, b: ArgValues): ArgValues {
  return a === "any" || b === "any" ? "any" : numbers(a, b);
}

export function joinArgFacts(a: ArgFacts, b: ArgFacts): ArgFacts {
  const out: ArgFacts = {};
  for (const index of ARG_INDEXES) {
    const x = a[index];
    const y = b[index];
    if (x === undefined && y === undefined) continue;
    out[index] = x === undefined || y === undefined ? "any" : joinArgValues(x, y);
  }
  return out;
}

function joinSyscallAllow(a: SyscallAllow, b: SyscallAllow): SyscallAllow {
  return { sources: mergeSources(a.sources, b.sources), args: joinArgFacts(a.args, b.args) };
}

function conditionKey(condition: ArgCondition): string {
  const two = condition.op === "MASKED_EQ" ? condition.valueTwo : "";
  return `${condition.index}\0${condition.op}\0${condition.value}\0${two}`;
}

/** A rule's identity: its name and its conditions as a set. */
function ruleKey(rule: ArgRule): string {
  return [rule.name, ...normalizeConditions(rule.args).map(conditionKey)].join("\u0001");
}

/** The conditions of a rule in canonical order, without duplicates. */
export function normalizeConditions(conditions: readonly ArgCondition[]): ArgCondition[] {
  return sortedUnion([], conditions, (x, y) => byCodeUnit(conditionKey(x), conditionKey(y)));
}

function mergeRules(a: readonly ArgRule[], b: readonly ArgRule[]): ArgRule[] {
  const byKey = new Map<string, ArgRule>();
  for (const rule of [...a, ...b]) {
    const key = ruleKey(rule);
    const seen = byKey.get(key);
    byKey.set(key, {
      name: rule.name,
      args: normalizeConditions(rule.args),
      sources: mergeSources(seen?.sources ?? [], rule.sources),
    });
  }
  return [...byKey.entries()].sort(([x], [y]) => byCodeUnit(x, y)).map(([, rule]) => rule);
}

function joinArchAllows(a: ArchAllows, b: ArchAllows): ArchAllows {
  return {
    syscalls: mergeRecords(a.syscalls, b.syscalls, joinSyscallAllow) as Record<string, SyscallAllow>,
    rules: mergeRules(a.rules, b.rules),
  };
}

function joinDenies(a: Record<string, SyscallDeny>, b: Record<string, SyscallDeny>): Record<string, SyscallDeny> {
  return mergeRecords(a, b, (x, y) => ({ sources: mergeSources(x.sources, y.sources) })) as Record<
    string,
    SyscallDeny
  >;
}

/**
 * The union of two policies: every allow, rule and deny of either, provenance
 * joined. Commutative, associative and idempotent on canonical policies (the
 * ones this module builds); the result is always canonical, so
 * `mergePolicies(p, EMPTY_POLICY)` canonicalizes a hand-built policy.
 */
export function mergePolicies(a: Policy, b: Policy): Policy {
  return {
    allow: mergeRecords(a.allow, b.allow, joinArchAllows, compareArches),
    deny: mergeRecords(a.deny, b.deny, joinDenies, compareArches),
  };
}

/** Merges any number of policies; no policies give the empty policy. */
export function mergeAllPolicies(policies: Iterable<Policy>): Policy {
  let merged: Policy = { allow: {}, deny: {} };
  for (const policy of policies) merged = mergePolicies(merged, policy);
  return merged;
}

/** The arches the policy allows anything on, in ARCHES order. */
export function policyArches(policy: Policy): Arch[] {
  return ARCHES.filter((arch) => policy.allow[arch] !== undefined);
}

/**
 * What a profile for `arch` may allow: the policy's syscalls and argument
 * rules with every denied name removed (a deny always wins).
 */
export function effectiveAllows(policy: Policy, arch: Arch): ArchAllows {
  const allows = policy.allow[arch] ?? { syscalls: {}, rules: [] };
  const denied = policy.deny[arch] ?? {};
  return {
    syscalls: Object.fromEntries(Object.entries(allows.syscalls).filter(([name]) => denied[name] === undefined)),
    rules: allows.rules.filter((rule) => denied[rule.name] === undefined),
  };
}
