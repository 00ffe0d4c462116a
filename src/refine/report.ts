/** What `refine` tells the user: one line per call added or left as it was. */
import type { ArgCondition } from "../policy/model.js";
import type { SeccompRule } from "../seccomp/profile.js";
import type { SeenCall } from "./seen-calls.js";
import type { Unchanged } from "./seccomp.js";
import { where } from "./log-place.js";
import { plural } from "../plural.js";

const hex = (value: number) => `0x${value.toString(16)}`;

function seen(call: SeenCall): string {
  return `${plural(call.count, "record")}, first at ${where(call.first)}`;
}

function conditionText(condition: ArgCondition): string {
  const arg = `arg${condition.index}`;
  if (condition.op === "MASKED_EQ") return `${arg} & ${hex(condition.value)} == ${hex(condition.valueTwo)}`;
  return `${arg} ${condition.op} ${condition.value}`;
}

function rulesText(rules: readonly SeccompRule[]): string {
  return rules.map((rule) => rule.args.map(conditionText).join(" and ")).join("; or ");
}

/** `added NAME (ARCH): N records, first at LOG:LINE`. */
export function addedLine(call: SeenCall): string {
  return `added ${call.name} (${call.arch}): ${seen(call)}`;
}

/** Why a call the log shows refused was not added, and what the user can do. */
export function unchangedLine(unchanged: Unchanged): string {
  const { call } = unchanged;
  const head = `${call.name} (${call.arch}): ${seen(call)}`;
  switch (unchanged.why) {
    case "argument-restricted":
      return (
        `${head}, left unchanged: the profile allows it only where ${rulesText(unchanged.rules)}, and seccomp ` +
        "records carry no arguments, so refine cannot tell which values were refused; if the workload needs " +
        `them, add an allowlist rule (seccomp: {rules: [{names: [${call.name}], args: [{index: …, op: …, value: …}]}]}) ` +
        "and regenerate, or trace the workload with strace"
      );
    case "refused-by-rule":
      return (
        `${head}, left unchanged: a rule of the profile refuses it (${unchanged.rules.map((rule) => rule.verdict.action).join(", ")}); ` +
        "refine does not override explicit denies: remove that rule if the workload needs the call"
      );
    case "arch-not-filtered":
      return (
        `${head}, left unchanged: the profile does not filter ${call.arch}, so the kernel kills such calls; ` +
        `regenerate with --arch ${call.arch} to allow that ABI`
      );
  }
}
