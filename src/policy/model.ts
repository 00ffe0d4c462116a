/**
 * The policy model: what a workload may do, per target ABI, with where each
 * permission came from. Traces and allowlists each become a Policy; policies
 * merge by a true union (commutative, associative, idempotent), and the
 * generators read the result through `effectiveAllows`, which applies denies
 * last. Everything is plain sorted data, so equal policies serialize to the
 * same bytes.
 */
import { z } from "zod";
import { ARCHES } from "../syscalls/arch.js";
import { ARG_INDEXES, PID_SAMPLE } from "./constants.js";

export const ArchSchema = z.enum(ARCHES);

/** A trace file that showed the call: how many times, and the lowest pids of the processes that made it. */
export const TraceSourceSchema = z.strictObject({
  kind: z.literal("trace"),
  file: z.string(),
  calls: z.number().int().nonnegative(),
  pids: z.array(z.number().int().nonnegative()).max(PID_SAMPLE),
});
export type TraceSource = z.infer<typeof TraceSourceSchema>;

/** An allowlist file that granted (or denied) the call. */
export const AllowlistSourceSchema = z.strictObject({
  kind: z.literal("allowlist"),
  file: z.string(),
});
export type AllowlistSource = z.infer<typeof AllowlistSourceSchema>;

export const SourceSchema = z.discriminatedUnion("kind", [TraceSourceSchema, AllowlistSourceSchema]);
export type Source = z.infer<typeof SourceSchema>;

/**
 * The values one argument was seen with: a sorted set of numbers, or "any"
 * when some call's value is unknown (not decoded, or granted by an allowlist
 * without conditions). Join is union, with "any" absorbing.
 */
export const ArgValuesSchema = z.union([z.literal("any"), z.array(z.number().int().nonnegative())]);
export type ArgValues = z.infer<typeof ArgValuesSchema>;

export const ArgIndexSchema = z.enum(ARG_INDEXES);
export type ArgIndex = z.infer<typeof ArgIndexSchema>;

/**
 * Facts about a call's arguments, by argument index. An index a source says
 * nothing about is unconstrained by that source, so merging an index present
 * on one side only gives "any".
 */
export const ArgFactsSchema = z.partialRecord(ArgIndexSchema, ArgValuesSchema);
export type ArgFacts = z.infer<typeof ArgFactsSchema>;

export const SyscallAllowSchema = z.strictObject({
  sources: z.array(SourceSchema),
  args: ArgFactsSchema,
});
export type SyscallAllow = z.infer<typeof SyscallAllowSchema>;

/** libseccomp's comparisons of an argument with one value (Docker's `SCMP_CMP_*` without the prefix). */
const ValueOpSchema = z.enum(["EQ", "NE", "LT", "LE", "GT", "GE"]);

/** Every libseccomp argument operator: the value comparisons and MASKED_EQ. */
export const ARG_OPS = [...ValueOpSchema.options, "MASKED_EQ"] as const;
export type ArgOp = (typeof ARG_OPS)[number];

const ArgValueSchema = z.number().int().nonnegative();
const ArgPositionSchema = z.number().int().min(0).max(5);

/**
 * One comparison on one argument. MASKED_EQ is `(arg & value) == valueTwo`
 * (Docker's and libseccomp's order: mask first); only it has a second value.
 */
export const ArgConditionSchema = z.discriminatedUnion("op", [
  z.strictObject({
    index: ArgPositionSchema,
    op: ValueOpSchema,
    value: ArgValueSchema,
  }),
  z.strictObject({
    index: ArgPositionSchema,
    op: z.literal("MASKED_EQ"),
    value: ArgValueSchema,
    valueTwo: ArgValueSchema,
  }),
]);
export type ArgCondition = z.infer<typeof ArgConditionSchema>;

/** Allow `name` when every condition holds (libseccomp ANDs the conditions of one rule). */
export const ArgRuleSchema = z.strictObject({
  name: z.string(),
  args: z.array(ArgConditionSchema).min(1),
  sources: z.array(AllowlistSourceSchema),
});
export type ArgRule = z.infer<typeof ArgRuleSchema>;

export const ArchAllowsSchema = z.strictObject({
  /** Unconditionally allowed syscalls by canonical name (the generators may narrow them by `args`). */
  syscalls: z.record(z.string(), SyscallAllowSchema),
  /** Allowlist argument rules, sorted by name then conditions. */
  rules: z.array(ArgRuleSchema),
});
export type ArchAllows = z.infer<typeof ArchAllowsSchema>;

export const SyscallDenySchema = z.strictObject({ sources: z.array(AllowlistSourceSchema) });
export type SyscallDeny = z.infer<typeof SyscallDenySchema>;

export const PolicySchema = z.strictObject({
  allow: z.partialRecord(ArchSchema, ArchAllowsSchema),
  /** Explicit denies by arch and canonical name; they win over every allow and rule. */
  deny: z.partialRecord(ArchSchema, z.record(z.string(), SyscallDenySchema)),
});
export type Policy = z.infer<typeof PolicySchema>;
