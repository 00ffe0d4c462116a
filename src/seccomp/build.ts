/**
 * From a policy to a minimal default-deny profile: the allowed calls (narrowed
 * by argument rules), the fallbacks of traced newer calls, the vDSO calls,
 * ENOSYS for probed newer calls that are not allowed, explicit denies last.
 * Allows and denies are joined over the policy's ABIs and every ABI of the
 * profile gets the same rules (where it has the call), so each output format
 * can say exactly what the profile says.
 */
import { effectiveAllows, joinArgFacts, policyArches } from "../policy/merge.js";
import type { ArgCondition, ArgFacts, ArgRule, Policy } from "../policy/model.js";
import { InputError } from "../errors.js";
import type { Arch } from "../syscalls/arch.js";
import { isSyscall } from "../syscalls/index.js";
import { argumentConditions, isNarrowed } from "./arg-rules.js";
import { FALLBACKS } from "./fallbacks.js";
import { LIBSECCOMP_VERSION, UNKNOWN_TO_LIBSECCOMP } from "./libseccomp.js";
import {
  ALLOW,
  canonicalProfile,
  ENOSYS,
  EPERM,
  errnoVerdict,
  type DefaultAction,
  type SeccompProfile,
  type SeccompRule,
  type Verdict,
  withNativeArches,
} from "./profile.js";
import { VDSO_CALLS } from "./vdso.js";
import { byCodeUnit } from "../order.js";

export interface BuildOptions {
  /** The ABIs to filter for; default: the policy's, plus the native ABI of each. */
  readonly arches?: readonly Arch[];
  /** What every call the profile does not allow gets; `errno` is EPERM. Default `errno`. */
  readonly defaultAction?: DefaultAction;
  /** Argument rules for socket, clone, unshare, personality. Default true. */
  readonly args?: boolean;
  /** Allow the calls the vDSO usually answers. Default true. */
  readonly vdso?: boolean;
  /** The runtime baselines among the policy's sources: the fallbacks of calls only they make get no note. */
  readonly runtimeFiles?: readonly string[];
}

export interface BuiltProfile {
  readonly profile: SeccompProfile;
  /** What the profile adds beyond the policy, and why: one line each. */
  readonly notes: readonly string[];
  /** What may not work as the profile reads: one line each. */
  readonly warnings: readonly string[];
}

export function defaultVerdict(action: DefaultAction): Verdict {
  return action === "errno" ? errnoVerdict(EPERM) : { action };
}

interface GrantedCalls {
  /** Name → argument facts, joined over every ABI of the policy (each ABI's denies already applied). */
  readonly calls: Map<string, ArgFacts>;
  readonly rules: ArgRule[];
  /** The names a trace or an allowlist grants, not only a runtime baseline. */
  readonly workloadCalls: Set<string>;
}

function grantedCalls(policy: Policy, runtimeFiles: readonly string[]): GrantedCalls {
  const calls = new Map<string, ArgFacts>();
  const rules: ArgRule[] = [];
  const workloadCalls = new Set<string>();
  for (const arch of policyArches(policy)) {
    const allows = effectiveAllows(policy, arch);
    for (const [name, allow] of Object.entries(allows.syscalls)) {
      const seen = calls.get(name);
      calls.set(name, seen ? joinArgFacts(seen, allow.args) : allow.args);
      if (allow.sources.some((source) => !runtimeFiles.includes(source.file))) workloadCalls.add(name);
    }
    rules.push(...allows.rules);
  }
  return { calls, rules, workloadCalls };
}

const NO_VALUES_SEEN: ArgFacts = { "0": [] };

/** Adds the older fallback of every granted newer call; returns a note for each the workload's calls need. */
function grantFallbacks(calls: Map<string, ArgFacts>, workloadCalls: ReadonlySet<string>, arches: readonly Arch[]): string[] {
  const notes: string[] = [];
  for (const fallback of FALLBACKS) {
    if (!calls.has(fallback.newer)) continue;
    for (const older of fallback.older) {
      if (calls.has(older) || !arches.some((arch) => isSyscall(arch, older))) continue;
      // The fallback is made with the newer call's flags, which we take to create no namespace.
      calls.set(older, isNarrowed(older) ? NO_VALUES_SEEN : {});
      if (workloadCalls.has(fallback.newer)) {
        notes.push(`${older}: allowed as the fallback of traced ${fallback.newer} (${fallback.why})`);
      }
    }
  }
  return notes;
}

/** The rules of one ABI: allows narrowed by argument rules, allowlist rules, ENOSYS for probed calls not allowed. */
function rulesFor(
  arch: Arch,
  calls: ReadonlyMap<string, ArgFacts>,
  allowlistRules: readonly ArgRule[],
  denied: ReadonlySet<string>,
  useArgs: boolean,
): SeccompRule[] {
  const allowed = (name: string) => isSyscall(arch, name) && !denied.has(name) && calls.has(name);
  const conditionsOf = (name: string) => (useArgs ? argumentConditions(name, calls.get(name) ?? {}) : undefined);
  const rules: SeccompRule[] = [];
  for (const name of calls.keys()) {
    if (!allowed(name)) continue;
    for (const args of conditionsOf(name) ?? [[]]) rules.push({ arch, name, verdict: ALLOW, args });
  }
  for (const rule of allowlistRules) {
    const unconditional = allowed(rule.name) && conditionsOf(rule.name) === undefined;
    if (isSyscall(arch, rule.name) && !denied.has(rule.name) && !unconditional) {
      rules.push({ arch, name: rule.name, verdict: ALLOW, args: singleConditionPerIndex(rule) });
    }
  }
  for (const fallback of FALLBACKS) {
    if (isSyscall(arch, fallback.newer) && !allowed(fallback.newer)) {
      rules.push({ arch, name: fallback.newer, verdict: errnoVerdict(ENOSYS), args: [] });
    }
  }
  return rules;
}

export function buildSeccompProfile(policy: Policy, options: BuildOptions = {}): BuiltProfile {
  const arches = withNativeArches(options.arches ?? policyArches(policy));
  const useArgs = options.args ?? true;
  const { calls, rules: allowlistRules, workloadCalls } = grantedCalls(policy, options.runtimeFiles ?? []);

  const notes = grantFallbacks(calls, workloadCalls, arches);
  if (useArgs && calls.delete("clone3")) {
    notes.push("clone3: answered ENOSYS because its flags cannot be filtered; glibc falls back to the filtered clone");
  }
  if (options.vdso ?? true) {
    for (const call of arches.flatMap((arch) => VDSO_CALLS[arch])) {
      if (!calls.has(call.name)) calls.set(call.name, {});
    }
  }
  // Allows are joined over every ABI, so denies are too: a name denied on one ABI is denied on all.
  const denied = new Set(Object.values(policy.deny).flatMap((denies) => Object.keys(denies ?? {})));

  const profile = canonicalProfile({
    defaultVerdict: defaultVerdict(options.defaultAction ?? "errno"),
    arches,
    rules: arches.flatMap((arch) => rulesFor(arch, calls, allowlistRules, denied, useArgs)),
  });
  return { profile, notes: [...new Set(notes)].sort(), warnings: libseccompWarnings(profile) };
}

/** libseccomp ANDs the conditions of a rule, but runc turns two on one argument into separate rules (OR). */
function singleConditionPerIndex(rule: ArgRule): readonly ArgCondition[] {
  const indexes = rule.args.map((condition) => condition.index);
  if (new Set(indexes).size !== indexes.length) {
    const files = rule.sources.map((source) => source.file).join(", ");
    throw new InputError(
      `${files}: the rule for ${rule.name} compares one argument twice, which runc would turn into an OR; ` +
        "write one rule per comparison",
    );
  }
  return rule.args;
}

function libseccompWarnings(profile: SeccompProfile): string[] {
  const archesByName = new Map<string, Arch[]>();
  for (const rule of profile.rules) {
    if (!UNKNOWN_TO_LIBSECCOMP[rule.arch].has(rule.name)) continue;
    const arches = archesByName.get(rule.name) ?? [];
    if (!arches.includes(rule.arch)) arches.push(rule.arch);
    archesByName.set(rule.name, arches);
  }
  return [...archesByName.entries()]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(
      ([name, arches]) =>
        `${name} (${arches.join(", ")}) is unknown to libseccomp ${LIBSECCOMP_VERSION} (runc 1.1.5, crun 1.8.1 on ` +
        "Debian bookworm), which drop its rule silently: there the call gets the default action",
    );
}
