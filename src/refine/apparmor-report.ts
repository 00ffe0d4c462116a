/** What `refine` tells the user about an AppArmor profile: one line per rule added or access left as it was. */
import { ruleText } from "../apparmor/render.js";
import type { AddedAppArmorRule, Seen, UnchangedAppArmor } from "./apparmor.js";
import { where } from "./log-place.js";
import { plural } from "../plural.js";


function seen({ count, first }: Seen): string {
  return `${plural(count, "record")}, first at ${where(first)}`;
}

/** `added RULE: N records, first at LOG:LINE` (`widened RULE (was RULE)` when a rule of the same path grew). */
export function addedRuleLine(added: AddedAppArmorRule): string {
  const text = ruleText(added.rule);
  return added.replaced ? `widened ${text} (was ${ruleText(added.replaced)}): ${seen(added)}` : `added ${text}: ${seen(added)}`;
}

/** Why records were not turned into a rule. */
export function unchangedAccessLine(unchanged: UnchangedAppArmor): string {
  return `${unchanged.what}: ${seen(unchanged)}, left unchanged: ${unchanged.why}`;
}
