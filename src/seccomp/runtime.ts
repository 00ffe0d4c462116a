/**
 * Runtime baselines: the calls a container runtime itself makes after it has
 * installed the filter (measured with runc and crun, shipped as data under
 * `profiles/runtimes/`). Names are x86_64's; other ABIs get them through the
 * equivalence table.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { RuntimeName } from "./choices.js";
import type { Policy } from "../policy/model.js";
import { isSyscall } from "../syscalls/index.js";
import { ARCH_INFO, type Arch } from "../syscalls/arch.js";
import { isNarrowed } from "./arg-rules.js";
import { packageFile } from "../package-files.js";
import { parseJson } from "./docker.js";
import { parseWith } from "./scmp.js";
import { retargetPolicy, type Retargeted } from "./translate.js";

export { RUNTIMES, type RuntimeName } from "./choices.js";

export const RuntimeBaselineSchema = z.looseObject({
  runtime: z.string(),
  version: z.string(),
  /** `either`: safe with and without no_new_privs; `required`: only for containers started with it. */
  noNewPrivileges: z.enum(["either", "required"]),
  source: z.string(),
  syscalls: z.array(z.looseObject({ name: z.string(), why: z.string() })),
});
export type RuntimeBaseline = z.infer<typeof RuntimeBaselineSchema>;

/** The path `--runtime NAME` reads, relative to the package root. */
export function runtimeBaselinePath(name: RuntimeName): string {
  return `profiles/runtimes/${name}.json`;
}

/** Parses a baseline; every name must be an x86_64 syscall. */
export function parseRuntimeBaseline(text: string, file: string): RuntimeBaseline {
  const baseline = parseWith(RuntimeBaselineSchema, parseJson(text, file), file);
  for (const [i, call] of baseline.syscalls.entries()) {
    if (!isSyscall("x86_64", call.name)) {
      throw new InputError(`${file}: syscalls[${i}].name: "${call.name}" is not a syscall on x86_64`);
    }
  }
  return baseline;
}

export function loadRuntimeBaseline(name: RuntimeName): RuntimeBaseline {
  const path = runtimeBaselinePath(name);
  return parseRuntimeBaseline(readFileSync(packageFile(path), "utf8"), path);
}

/**
 * The baseline as a policy for the native ABIs among `arches` (the runtime
 * runs natively), its calls credited to the baseline file. The runtime's own
 * clone, unshare, socket and personality calls are taken to create no
 * namespace and open no socket, so the baseline never widens their argument
 * rules.
 */
export function runtimePolicy(baseline: RuntimeBaseline, file: string, arches: readonly Arch[]): Retargeted {
  const syscalls = Object.fromEntries(
    baseline.syscalls.map((call) => [
      call.name,
      { sources: [{ kind: "allowlist" as const, file }], args: isNarrowed(call.name) ? { "0": [] } : {} },
    ]),
  );
  const policy: Policy = { allow: { x86_64: { syscalls, rules: [] } }, deny: {} };
  return retargetPolicy(policy, arches.filter((arch) => ARCH_INFO[arch].native === arch));
}
