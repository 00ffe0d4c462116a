export * from "./profile.js";
export { evaluate, conditionHolds } from "./evaluate.js";
export { buildSeccompProfile, defaultVerdict, type BuildOptions, type BuiltProfile } from "./build.js";
export { argumentConditions, CLONE_NAMESPACE_MASK, UNSHARE_NAMESPACE_MASK } from "./arg-rules.js";
export { FALLBACKS, type Fallback } from "./fallbacks.js";
export { VDSO_CALLS, type VdsoCall } from "./vdso.js";
export { LIBSECCOMP_VERSION, UNKNOWN_TO_LIBSECCOMP } from "./libseccomp.js";
export { retargetPolicy, translateSyscall, type Retargeted } from "./translate.js";
export {
  loadRuntimeBaseline,
  parseRuntimeBaseline,
  runtimePolicy,
  RUNTIMES,
  type RuntimeBaseline,
  type RuntimeName,
} from "./runtime.js";
export { emitDocker, readDocker, type DockerReadOptions } from "./docker.js";
export { emitOci, ociSeccomp, readOci } from "./oci.js";
export { emitSpo, readSpo, SPO_API_VERSION } from "./spo.js";
export type { ReadProfile } from "./scmp.js";
export {
  formatProfile,
  generateSeccomp,
  readSeccompProfile,
  SECCOMP_FORMATS,
  type GeneratedSeccomp,
  type GenerateSeccompOptions,
  type SeccompFormat,
  type TraceEvents,
} from "./generate.js";
