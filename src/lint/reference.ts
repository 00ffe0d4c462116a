/**
 * Docker's default seccomp profile (moby/profiles seccomp/default.json at
 * cd3bed80, shipped in profiles/reference/) as the yardstick lint measures a
 * profile against: how many calls each allows per ABI, and which calls a
 * profile allows that Docker's does not. Rules gated on capabilities are read
 * for a container without added ones, as `docker run` starts it.
 */
import { readFileSync } from "node:fs";
import { readSeccompProfile } from "../seccomp/generate.js";
import { packageFile } from "../package-files.js";
import type { SeccompProfile } from "../seccomp/profile.js";
import { syscallNames } from "../syscalls/index.js";
import type { Arch } from "../syscalls/arch.js";
import type { RuleIndex } from "../verify/decide.js";
import { indexRules } from "../verify/decide.js";
import { allowingArgs, candidateArgs } from "./witness.js";

export const DOCKER_DEFAULT_FILE = "profiles/reference/docker-default.json";
export const DOCKER_DEFAULT_SOURCE = "moby/profiles seccomp/default.json at cd3bed80";

let dockerDefault: SeccompProfile | undefined;

export function dockerDefaultProfile(): SeccompProfile {
  dockerDefault ??= readSeccompProfile(readFileSync(packageFile(DOCKER_DEFAULT_FILE), "utf8"), DOCKER_DEFAULT_FILE).profile;
  return dockerDefault;
}

/** The calls of `arch` the profile lets run with some arguments, sorted. */
export function allowedCalls(index: RuleIndex, arch: Arch): string[] {
  if (!index.profile.arches.includes(arch)) return [];
  return syscallNames(arch)
    .filter((name) => allowingArgs(index.profile, arch, name, candidateArgs(index.rules.get(`${arch} ${name}`) ?? [])))
    .sort();
}

/** One ABI's count against the reference. */
export interface ReferenceComparison {
  readonly arch: Arch;
  readonly allows: number;
  readonly referenceAllows: number;
  /** Calls the profile allows and the reference does not, sorted. */
  readonly beyondReference: readonly string[];
}

export function compareWithReference(index: RuleIndex, reference: SeccompProfile): ReferenceComparison[] {
  const referenceIndex = indexRules(reference);
  return index.profile.arches.map((arch) => {
    const allowed = allowedCalls(index, arch);
    const referenceAllowed = new Set(allowedCalls(referenceIndex, arch));
    return {
      arch,
      allows: allowed.length,
      referenceAllows: referenceAllowed.size,
      beyondReference: allowed.filter((name) => !referenceAllowed.has(name)),
    };
  });
}
