/**
 * Retargeting a policy to the ABIs a profile is for: an ABI the policy has
 * data for keeps it; any other gets the calls of the policy's ABIs through
 * the equivalence table (an aarch64 profile from an x86_64 trace), with a
 * note for each call that changed name and a warning for each that has no
 * known counterpart.
 */
import { EMPTY_POLICY, mergeAllPolicies, policyArches } from "../policy/merge.js";
import type { ArchAllows, Policy } from "../policy/model.js";
import { ARCH_INFO, type Arch } from "../syscalls/arch.js";
import { equivalentSyscalls, isSyscall } from "../syscalls/index.js";

export interface Retargeted {
  readonly policy: Policy;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

interface Translation {
  readonly names: readonly string[];
  readonly note?: string;
  readonly warning?: string;
}

/** The calls on `target` that do what `name` does on `source`. */
export function translateSyscall(source: Arch, target: Arch, name: string): Translation {
  if (isSyscall(target, name)) return { names: [name] };
  const equivalents = isSyscall(source, name) ? equivalentSyscalls(source, target, name) : undefined;
  if (equivalents === undefined) {
    return { names: [], warning: `${name} on ${source} has no known equivalent on ${target}; not allowed there` };
  }
  if (equivalents.length === 0) return { names: [], note: `${target}: ${name} (${source}) has no counterpart` };
  return { names: equivalents, note: `${target}: ${name} (${source}) → ${equivalents.join(", ")}` };
}

function sameFamily(a: Arch, b: Arch): boolean {
  return ARCH_INFO[a].native === ARCH_INFO[b].native;
}

/** The policy's ABIs that feed `target`: its own family's when there are any, else all. */
function feeders(sources: readonly Arch[], target: Arch): readonly Arch[] {
  const family = sources.filter((source) => sameFamily(source, target));
  return family.length > 0 ? family : sources;
}

function translateAllows(allows: ArchAllows, source: Arch, target: Arch, notes: string[], warnings: string[]): Policy {
  const parts: Policy[] = [];
  for (const [name, allow] of Object.entries(allows.syscalls)) {
    const translation = translateSyscall(source, target, name);
    if (translation.note) notes.push(translation.note);
    if (translation.warning) warnings.push(translation.warning);
    for (const translated of translation.names) {
      parts.push({ allow: { [target]: { syscalls: { [translated]: allow }, rules: [] } }, deny: {} });
    }
  }
  for (const rule of allows.rules) {
    if (isSyscall(target, rule.name)) {
      parts.push({ allow: { [target]: { syscalls: {}, rules: [rule] } }, deny: {} });
    } else {
      warnings.push(`the argument rule for ${rule.name} (${source}) cannot apply on ${target}; not allowed there`);
    }
  }
  return mergeAllPolicies(parts);
}

/**
 * `policy` for exactly the ABIs `targets`: allows and denies of other ABIs
 * are dropped once they have been translated to the targets that need them.
 */
export function retargetPolicy(policy: Policy, targets: readonly Arch[]): Retargeted {
  const sources = policyArches(policy);
  const notes: string[] = [];
  const warnings: string[] = [];
  const parts: Policy[] = [EMPTY_POLICY];
  for (const target of targets) {
    const own = policy.allow[target];
    if (own) {
      parts.push({ allow: { [target]: own }, deny: {} });
    } else {
      for (const source of feeders(sources, target)) {
        parts.push(translateAllows(policy.allow[source] ?? { syscalls: {}, rules: [] }, source, target, notes, warnings));
      }
    }
    const denies = policy.deny[target];
    if (denies) parts.push({ allow: {}, deny: { [target]: denies } });
  }
  return { policy: mergeAllPolicies(parts), notes: unique(notes), warnings: unique(warnings) };
}

function unique(lines: readonly string[]): string[] {
  return [...new Set(lines)].sort();
}
