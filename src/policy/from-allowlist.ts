/**
 * An allowlist's seccomp policy for the ABIs a profile targets.
 *
 * Where names apply:
 * - top-level `allow` and `rules`: on every target ABI that has the call; a
 *   name no target ABI has is an error (`open` with only aarch64 targeted);
 * - top-level `deny`: on every ABI that has the call, targeted or not, so it
 *   still holds when a trace adds an ABI;
 * - `arch.ABI.allow` and `arch.ABI.rules`: on that ABI when it is targeted
 *   (one allowlist can serve profiles for several ABIs); `arch.ABI.deny`: on
 *   that ABI.
 * Names are stored as our tables spell them on each ABI.
 */
import { InputError } from "../errors.js";
import { ARCHES, type Arch } from "../syscalls/arch.js";
import { canonicalSyscallName } from "../syscalls/lookup.js";
import { formatFieldPath, type FieldPath } from "../field-path.js";
import type { Allowlist } from "./allowlist.js";
import type { SeccompAllowlist } from "./allowlist-schema.js";
import { EMPTY_POLICY, mergePolicies, normalizeConditions } from "./merge.js";
import type { AllowlistSource, ArchAllows, Policy } from "./model.js";

type ArchLists = Pick<SeccompAllowlist, "allow" | "deny" | "rules">;

class PolicyBuilder {
  readonly allow: Policy["allow"] = {};
  readonly deny: Policy["deny"] = {};

  constructor(
    private readonly allowlist: Allowlist,
    private readonly source: AllowlistSource,
  ) {}

  /** The ABIs among `arches` that have `name`, with its spelling there; an error when none has it. */
  resolve(name: string, arches: readonly Arch[], path: FieldPath): [Arch, string][] {
    const found = arches.flatMap((arch): [Arch, string][] => {
      const canonical = canonicalSyscallName(arch, name);
      return canonical === undefined ? [] : [[arch, canonical]];
    });
    if (found.length === 0) {
      throw new InputError(
        `${formatFieldPath(path)}: "${name}" is not a syscall on ${arches.join(", ")}`,
        this.allowlist.posOf(path),
      );
    }
    return found;
  }

  private archAllows(arch: Arch): ArchAllows {
    return (this.allow[arch] ??= { syscalls: {}, rules: [] });
  }

  addLists(lists: ArchLists, allowOn: readonly Arch[], denyOn: readonly Arch[], at: FieldPath): void {
    lists.allow?.forEach((name, i) => {
      for (const [arch, canonical] of this.resolve(name, allowOn, [...at, "allow", i])) {
        this.archAllows(arch).syscalls[canonical] = { sources: [this.source], args: {} };
      }
    });
    lists.deny?.forEach((name, i) => {
      for (const [arch, canonical] of this.resolve(name, denyOn, [...at, "deny", i])) {
        (this.deny[arch] ??= {})[canonical] = { sources: [this.source] };
      }
    });
    lists.rules?.forEach((rule, i) => {
      const args = normalizeConditions(rule.args);
      rule.names.forEach((name, j) => {
        for (const [arch, canonical] of this.resolve(name, allowOn, [...at, "rules", i, "names", j])) {
          this.archAllows(arch).rules.push({ name: canonical, args, sources: [this.source] });
        }
      });
    });
  }
}

/**
 * The seccomp part of `allowlist` as a policy for `targetArches` (see the
 * module comment for where each list applies). Throws InputError naming the
 * file, line and field of a name that does not apply anywhere.
 */
export function policyFromAllowlist(allowlist: Allowlist, targetArches: readonly Arch[]): Policy {
  if (targetArches.length === 0) throw new Error("policyFromAllowlist needs at least one target arch");
  const seccomp = allowlist.content.seccomp;
  const builder = new PolicyBuilder(allowlist, { kind: "allowlist", file: allowlist.file });
  if (seccomp) {
    builder.addLists(seccomp, targetArches, ARCHES, ["seccomp"]);
    for (const arch of ARCHES) {
      const lists = seccomp.arch?.[arch];
      if (!lists) continue;
      const applicable = targetArches.includes(arch) ? lists : { deny: lists.deny };
      builder.addLists(applicable, [arch], [arch], ["seccomp", "arch", arch]);
    }
  }
  // Merging with nothing sorts, and joins a name listed twice.
  return mergePolicies({ allow: builder.allow, deny: builder.deny }, EMPTY_POLICY);
}
