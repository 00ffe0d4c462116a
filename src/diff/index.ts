export {
  diffSeccomp,
  type ArchDifference,
  type ArchTreatment,
  type CallBehaviour,
  type CallDifference,
  type SeccompDiff,
} from "./seccomp.js";
export { behaviourText, diffJson, diffText } from "./text.js";
export { appArmorDiffJson, appArmorDiffText, diffAppArmor, type AppArmorDiff, type AppArmorRuleChange, type AppArmorRuleKind } from "./apparmor.js";
