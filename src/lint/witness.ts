/**
 * Does a profile let a call run with some arguments, and with which? The
 * evaluator decides; this module only proposes argument values worth asking
 * about: for each rule of the call, values that satisfy its conditions, with
 * the bits a question is about set where the conditions admit them. A found
 * witness is exact; a rule shape the proposals miss could hide one.
 */
import type { ArgCondition } from "../policy/model.js";
import { evaluate } from "../seccomp/evaluate.js";
import type { SeccompProfile, SeccompRule } from "../seccomp/profile.js";
import type { Arch } from "../syscalls/arch.js";
import { letsCallRun } from "../verify/describe.js";

const U64_MAX = (1n << 64n) - 1n;
const ARG_COUNT = 6;

export type ArgVector = readonly bigint[];

/** A value with every bit of `bits` set that `condition` admits, or undefined. */
export function satisfying(condition: ArgCondition, bits: bigint): bigint | undefined {
  const value = BigInt(condition.value);
  const fits = (candidate: bigint) => (candidate & bits) === bits && candidate <= U64_MAX ? candidate : undefined;
  switch (condition.op) {
    case "EQ":
      return fits(value);
    case "NE":
      return fits(bits !== value ? bits : bits | (1n << 63n));
    case "LT":
      return bits < value ? bits : undefined;
    case "LE":
      return bits <= value ? bits : undefined;
    case "GT":
      return value < U64_MAX ? fits((value + 1n) | bits) : undefined;
    case "GE":
      return fits(value | bits);
    case "MASKED_EQ": {
      const target = BigInt(condition.valueTwo);
      return (target & value) === target ? fits(target | (bits & ~value)) : undefined;
    }
  }
}

/** For each rule, an argument vector it matches with `bits[i]` set in argument i, where it admits one. */
export function candidateArgs(rules: readonly SeccompRule[], bits: ArgVector = []): ArgVector[] {
  const plain = Array.from({ length: ARG_COUNT }, (_, i) => bits[i] ?? 0n);
  const perRule = rules.flatMap((rule) => {
    const vector = plain.map((want, i) => {
      const condition = rule.args.find((c) => c.index === i);
      return condition ? satisfying(condition, want) : want;
    });
    return vector.every((value) => value !== undefined) ? [vector as bigint[]] : [];
  });
  return [plain, ...perRule];
}

/** The first of `candidates` under which the profile lets `name` run on `arch`, or undefined. */
export function allowingArgs(
  profile: SeccompProfile,
  arch: Arch,
  name: string,
  candidates: readonly ArgVector[],
): ArgVector | undefined {
  return candidates.find((args) => letsCallRun(evaluate(profile, arch, name, args)));
}
