export { checkJson, checkProfiles, findManifests, profileDiff, type CheckedProfile, type ProfileStatus } from "./check.js";
export { unifiedDiff } from "./diff.js";
export {
  ApparmorEntrySchema,
  loadManifest,
  MANIFEST_NAME,
  ManifestSchema,
  parseManifest,
  ProfileEntrySchema,
  renderManifest,
  SeccompEntrySchema,
  type ApparmorEntry,
  type Manifest,
  type ManifestContent,
  type ManifestInput,
  type ProfileEntry,
  type SeccompEntry,
  WORKLOAD_NAME,
} from "./manifest.js";
export { regenerateManifest, type RegeneratedProfile } from "./regenerate.js";
