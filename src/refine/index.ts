/**
 * The refine stage: a profile and a kernel audit log in, the profile with
 * what the log shows it lacked out (seccomp and AppArmor).
 */
export { readProfileDocument, type ProfileDocument } from "./document.js";
export { addedLine, unchangedLine } from "./report.js";
export { refineSeccomp, type RefinedSeccomp, type RefineSeccompOptions, type Unchanged } from "./seccomp.js";
export { seenInLog, type SeenCall, type SeenInLog } from "./seen-calls.js";
export {
  refineAppArmor,
  type AddedAppArmorRule,
  type RefineAppArmorOptions,
  type RefinedAppArmor,
  type Seen,
  type UnchangedAppArmor,
} from "./apparmor.js";
export { addedRuleLine, unchangedAccessLine } from "./apparmor-report.js";
export { isAppArmorProfileText } from "./apparmor-detect.js";
