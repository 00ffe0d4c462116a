/**
 * What `profilesmith seccomp` does, as a library call: traces and allowlists
 * in, a profile in the chosen format out, with the notes and warnings the
 * command prints.
 */
import type { TraceEvents } from "../events/types.js";
import type { Allowlist } from "../policy/allowlist.js";
import { policyFromAllowlist } from "../policy/from-allowlist.js";
import { policyFromEvents } from "../policy/from-events.js";
import { EMPTY_POLICY, mergeAllPolicies, policyArches } from "../policy/merge.js";
import type { Policy } from "../policy/model.js";
import type { Arch } from "../syscalls/arch.js";
import { isSyscall } from "../syscalls/index.js";
import { buildSeccompProfile, type BuildOptions } from "./build.js";
import { emitDocker, parseJson, readDocker, type DockerReadOptions } from "./docker.js";
import { emitOci, readOci } from "./oci.js";
import { canonicalProfile, EPERM, errnoVerdict, withNativeArches, type SeccompProfile } from "./profile.js";
import type { RuntimeName, SeccompFormat } from "./choices.js";
import { loadRuntimeBaseline, runtimeBaselinePath, runtimePolicy } from "./runtime.js";
import { hostArch, type ReadProfile } from "./scmp.js";
import { emitSpo, readSpo } from "./spo.js";
import { retargetPolicy } from "./translate.js";

export { SECCOMP_DECODED_KINDS, SECCOMP_FORMATS, type SeccompFormat } from "./choices.js";

export type { TraceEvents };

export interface GenerateSeccompOptions extends Omit<BuildOptions, "arches" | "runtimeFiles"> {
  /** Parsed traces; their calls merge. */
  readonly traces?: readonly TraceEvents[];
  /** Policies of traces read already (policyOfTraces reads large traces on several cores); they merge too. */
  readonly tracePolicies?: readonly Policy[];
  readonly allowlists?: readonly Allowlist[];
  /** The ABIs to filter for, replacing the ones the traces show (their native ABIs are added). */
  readonly arches?: readonly Arch[];
  /** The runtime whose own calls after installing the filter are allowed; default `runc`. */
  readonly runtime?: RuntimeName | "none";
  readonly format?: SeccompFormat;
  /** `metadata.name` of the SPO resource; default `profilesmith`. */
  readonly name?: string;
}

export interface GeneratedSeccomp {
  readonly profile: SeccompProfile;
  /** The profile in the chosen format, ending in a newline. */
  readonly text: string;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export function formatProfile(profile: SeccompProfile, format: SeccompFormat, name = "profilesmith"): string {
  switch (format) {
    case "docker":
      return emitDocker(profile);
    case "oci":
      return emitOci(profile);
    case "spo":
      return emitSpo(profile, name);
  }
}

/**
 * The format of a profile's text: a SeccompProfile resource, an OCI
 * config.json, or else Docker's format (which accepts every OCI
 * `linux.seccomp` object too).
 */
export function seccompFormatOf(text: string, file: string): SeccompFormat {
  if (!text.trimStart().startsWith("{")) return "spo";
  const json = parseJson(text, file);
  if (json !== null && typeof json === "object" && "kind" in json) return "spo";
  if (json !== null && typeof json === "object" && "linux" in json) return "oci";
  return "docker";
}

/** Reads a profile in any of the three formats (see seccompFormatOf). */
export function readSeccompProfile(text: string, file: string, options: DockerReadOptions = {}): ReadProfile {
  switch (seccompFormatOf(text, file)) {
    case "spo":
      return readSpo(text, file);
    case "oci":
      return readOci(text, file);
    case "docker":
      return readDocker(text, file, options);
  }
}

/**
 * Under a SCMP_ACT_LOG default (complain mode) the default no longer denies, so
 * each allowlist deny gets an EPERM rule: it stays denied while the rest is
 * learned, and `refine` leaves it as the author's word.
 */
function keepDeniesUnderLog(profile: SeccompProfile, policy: Policy): SeccompProfile {
  if (profile.defaultVerdict.action !== "log") return profile;
  const denied = [...new Set(Object.values(policy.deny).flatMap((denies) => Object.keys(denies ?? {})))];
  const hasRule = (arch: Arch, name: string) => profile.rules.some((rule) => rule.arch === arch && rule.name === name);
  const denies = profile.arches.flatMap((arch) =>
    denied
      .filter((name) => isSyscall(arch, name) && !hasRule(arch, name))
      .map((name) => ({ arch, name, verdict: errnoVerdict(EPERM), args: [] })),
  );
  return canonicalProfile({ ...profile, rules: [...profile.rules, ...denies] });
}

export async function generateSeccomp(options: GenerateSeccompOptions): Promise<GeneratedSeccomp> {
  const traced: Policy[] = [...(options.tracePolicies ?? [])];
  for (const trace of options.traces ?? []) traced.push(await policyFromEvents(trace));
  const tracePolicy = mergeAllPolicies(traced);
  const traceArches = policyArches(tracePolicy);
  const arches = withNativeArches(options.arches ?? (traceArches.length > 0 ? traceArches : [hostArch()]));

  const notes: string[] = [];
  const warnings: string[] = [];
  const retargeted = retargetPolicy(tracePolicy, arches);
  notes.push(...retargeted.notes);
  warnings.push(...retargeted.warnings);
  const parts = [retargeted.policy, ...(options.allowlists ?? []).map((allowlist) => policyFromAllowlist(allowlist, arches))];
  const runtime = options.runtime ?? "runc";
  const runtimeFiles = runtime === "none" ? [] : [runtimeBaselinePath(runtime)];
  if (runtime !== "none") {
    const baseline = runtimePolicy(loadRuntimeBaseline(runtime), runtimeBaselinePath(runtime), arches);
    notes.push(...baseline.notes);
    warnings.push(...baseline.warnings);
    parts.push(baseline.policy);
  }

  const policy = mergeAllPolicies([EMPTY_POLICY, ...parts]);
  const built = buildSeccompProfile(policy, { ...options, arches, runtimeFiles });
  const profile = keepDeniesUnderLog(built.profile, policy);
  return {
    profile,
    text: formatProfile(profile, options.format ?? "docker", options.name),
    notes: [...notes, ...built.notes],
    warnings: [...warnings, ...built.warnings],
  };
}
