import type { ArgFacts, Policy } from "../../src/policy/model.js";
import { mergePolicies, EMPTY_POLICY } from "../../src/policy/merge.js";
import type { Arch } from "../../src/syscalls/arch.js";

/** A canonical policy as a trace would give it: per ABI, each call with its argument facts. */
export function tracePolicy(
  allows: Partial<Record<Arch, Record<string, ArgFacts>>>,
  denies: Partial<Record<Arch, readonly string[]>> = {},
): Policy {
  const policy: Policy = { allow: {}, deny: {} };
  for (const [arch, calls] of Object.entries(allows) as [Arch, Record<string, ArgFacts>][]) {
    policy.allow[arch] = {
      syscalls: Object.fromEntries(
        Object.entries(calls).map(([name, args]) => [
          name,
          { sources: [{ kind: "trace" as const, file: "t.strace", calls: 1, pids: [1] }], args },
        ]),
      ),
      rules: [],
    };
  }
  for (const [arch, names] of Object.entries(denies) as [Arch, string[]][]) {
    policy.deny[arch] = Object.fromEntries(
      names.map((name) => [name, { sources: [{ kind: "allowlist" as const, file: "a.yaml" }] }]),
    );
  }
  return mergePolicies(policy, EMPTY_POLICY);
}
