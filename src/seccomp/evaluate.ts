/**
 * The oracle: what a filter built from a profile does with one call, with
 * libseccomp's semantics. A rule matches when every one of its conditions
 * holds on the 64-bit argument values; among matching rules the strictest
 * action wins (two errno rules: the lower errno, so the answer is
 * deterministic); no match gives the default; an ABI outside the filter gets
 * the bad-arch action.
 *
 * Not modelled: runc also answers ENOSYS, not the default action, for syscall
 * numbers above the highest one the profile names on that ABI (its
 * patchbpf stub), and runc and crun drop rules naming calls their libseccomp
 * does not know (see libseccomp.ts).
 */
import type { ArgCondition } from "../policy/model.js";
import type { Arch } from "../syscalls/arch.js";
import {
  ACTIONS_BY_STRICTNESS,
  BAD_ARCH_VERDICT,
  sameVerdict,
  type SeccompProfile,
  type Verdict,
} from "./profile.js";

const U64 = (value: number | bigint) => BigInt.asUintN(64, BigInt(value));

/** Whether one libseccomp comparison holds for `arg` (all operands as unsigned 64-bit). */
export function conditionHolds(condition: ArgCondition, arg: number | bigint): boolean {
  const a = U64(arg);
  const value = U64(condition.value);
  switch (condition.op) {
    case "EQ":
      return a === value;
    case "NE":
      return a !== value;
    case "LT":
      return a < value;
    case "LE":
      return a <= value;
    case "GT":
      return a > value;
    case "GE":
      return a >= value;
    case "MASKED_EQ":
      return (a & value) === U64(condition.valueTwo);
  }
}

function strictness(verdict: Verdict): number {
  return ACTIONS_BY_STRICTNESS.indexOf(verdict.action);
}

function stricter(a: Verdict, b: Verdict): Verdict {
  const byAction = strictness(a) - strictness(b);
  if (byAction !== 0) return byAction > 0 ? a : b;
  if (a.action === "errno" && b.action === "errno") return a.errno <= b.errno ? a : b;
  if (a.action === "trace" && b.action === "trace") return a.data <= b.data ? a : b;
  return a;
}

/**
 * The verdict for `syscall` called through `arch` with `args` (missing
 * arguments count as 0). Rules that repeat the default action are ignored,
 * as runc does (libseccomp refuses to add them).
 */
export function evaluate(
  profile: SeccompProfile,
  arch: Arch,
  syscall: string,
  args: readonly (number | bigint)[] = [],
): Verdict {
  if (!profile.arches.includes(arch)) return BAD_ARCH_VERDICT;
  let verdict: Verdict | undefined;
  for (const rule of profile.rules) {
    if (rule.arch !== arch || rule.name !== syscall || sameVerdict(rule.verdict, profile.defaultVerdict)) continue;
    if (!rule.args.every((condition) => conditionHolds(condition, args[condition.index] ?? 0))) continue;
    verdict = verdict ? stricter(verdict, rule.verdict) : rule.verdict;
  }
  return verdict ?? profile.defaultVerdict;
}
