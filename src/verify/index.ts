export { verifySeccomp, type ComparedArg, type DeniedCalls, type SeccompVerification } from "./seccomp.js";
export { decide, enforcedProfile, indexRules, type Decision, type FilterAnswer, type RuleIndex } from "./decide.js";
export { filterArgs, type FilterArgs } from "./filter-args.js";
export { readSeccompProfileFile, type ProfileFile, type SeccompProfileFile } from "./profile-file.js";
export { conditionText, conditionsText, verdictText } from "./describe.js";
export { answerText, verificationJson, verificationText } from "./text.js";
export { verifyAppArmor, type AppArmorNeed, type AppArmorVerification, type AppArmorVerifyOptions, type DeniedAccess } from "./apparmor.js";
export { appArmorVerificationJson, appArmorVerificationText } from "./apparmor-text.js";
export { isAppArmorText, readAppArmorProfileFile, readProfileFile, type AppArmorProfileFile } from "./profile-file.js";
