export { lintSeccomp, type LintSeccompOptions, type SeccompLint, type SeccompLintCheck, type SeccompLintFinding } from "./seccomp.js";
export { writtenRules, type WrittenRule } from "./written-rules.js";
export { RISKY_CALLS, riskyAllowances, type RiskyAllowance, type RiskyCalls } from "./risky.js";
export { allowedCalls, compareWithReference, dockerDefaultProfile, type ReferenceComparison } from "./reference.js";
export { lintJson, lintText } from "./text.js";
export {
  appArmorLintJson,
  appArmorLintText,
  lintAppArmor,
  RISKY_CAPABILITIES,
  type AppArmorLint,
  type AppArmorLintCheck,
  type AppArmorLintFinding,
} from "./apparmor.js";
