/**
 * The vocabulary the three formats share: libseccomp's action and operator
 * names, and the `{names, action, errnoRet, args}` rule object of the OCI
 * runtime-spec that Docker's and the Security Profiles Operator's formats
 * extend. Reading checks what runc and moby check, with zod.
 */
import type { ArgCondition } from "../policy/model.js";
import { z } from "zod";
import { InputError } from "../errors.js";
import { archFromScmp, ARCH_INFO, ARCHES, type Arch, type NativeArch } from "../syscalls/arch.js";
import { isSyscall } from "../syscalls/index.js";
import { EPERM, type Action, type SeccompProfile, type Verdict } from "./profile.js";
import type { RuleGroup } from "./shared-rules.js";

const ACTION_NAMES = {
  allow: "SCMP_ACT_ALLOW",
  log: "SCMP_ACT_LOG",
  trace: "SCMP_ACT_TRACE",
  notify: "SCMP_ACT_NOTIFY",
  errno: "SCMP_ACT_ERRNO",
  trap: "SCMP_ACT_TRAP",
  "kill-thread": "SCMP_ACT_KILL_THREAD",
  "kill-process": "SCMP_ACT_KILL_PROCESS",
} as const satisfies Record<Action, `SCMP_ACT_${string}`>;

/** Every action name a profile may use; SCMP_ACT_KILL is the old name of SCMP_ACT_KILL_THREAD. */
export const SCMP_ACTIONS = [...Object.values(ACTION_NAMES), "SCMP_ACT_KILL"] as const;
export const SCMP_OPS = ["EQ", "NE", "LT", "LE", "GT", "GE", "MASKED_EQ"].map((op) => `SCMP_CMP_${op}`) as [
  string,
  ...string[],
];

export interface ScmpArg {
  readonly index: number;
  readonly value: number;
  readonly valueTwo?: number;
  readonly op: string;
}

export interface ScmpSyscall {
  readonly names: readonly string[];
  readonly action: string;
  readonly errnoRet?: number;
  readonly args?: readonly ScmpArg[];
}

/** The action name and `errnoRet` for a verdict (moby: errnoRet only with ERRNO and TRACE). */
export function scmpAction(verdict: Verdict): { action: string; errnoRet?: number } {
  const action = ACTION_NAMES[verdict.action];
  if (verdict.action === "errno") return { action, errnoRet: verdict.errno };
  if (verdict.action === "trace") return { action, errnoRet: verdict.data };
  return { action };
}

export function scmpSyscall(group: RuleGroup): ScmpSyscall {
  const args = group.args.map((condition) => ({
    index: condition.index,
    value: condition.value,
    ...(condition.op === "MASKED_EQ" ? { valueTwo: condition.valueTwo } : {}),
    op: `SCMP_CMP_${condition.op}`,
  }));
  return { names: group.names, ...scmpAction(group.verdict), ...(args.length > 0 ? { args } : {}) };
}

export function scmpArches(arches: readonly Arch[]): string[] {
  return arches.map((arch) => ARCH_INFO[arch].scmpArch);
}

// ---- reading ----

const SafeUint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER, "values above 2^53 cannot be read exactly");
const Uint32 = z.number().int().nonnegative().max(0xffffffff);

export const ScmpArgSchema = z.strictObject({
  index: z.number().int().min(0).max(5),
  value: SafeUint,
  valueTwo: SafeUint.optional(),
  op: z.enum(SCMP_OPS),
});

export const ScmpActionSchema = z.enum(SCMP_ACTIONS);
export const ErrnoSchema = Uint32;

/** A verdict from an action name and errnoRet, with runc's defaults (ERRNO and TRACE without errnoRet: EPERM). */
export function verdictFromScmp(action: z.infer<typeof ScmpActionSchema>, errnoRet: number | undefined, where: string): Verdict {
  const named = action === "SCMP_ACT_KILL" ? "kill-thread" : (Object.keys(ACTION_NAMES) as Action[]).find((a) => ACTION_NAMES[a] === action);
  if (named === undefined) throw new InputError(`${where}: unknown action ${action}`);
  if (named === "errno") return { action: "errno", errno: errnoRet ?? EPERM };
  if (named === "trace") return { action: "trace", data: errnoRet ?? EPERM };
  if (errnoRet !== undefined) throw new InputError(`${where}: errnoRet is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE`);
  return { action: named };
}

export function conditionFromScmp(arg: z.infer<typeof ScmpArgSchema>): ArgCondition {
  const op = arg.op.slice("SCMP_CMP_".length) as ArgCondition["op"];
  if (op === "MASKED_EQ") return { index: arg.index, op, value: arg.value, valueTwo: arg.valueTwo ?? 0 };
  return { index: arg.index, op, value: arg.value };
}

/**
 * A rule's conditions as runc applies them: ANDed, unless two compare the
 * same argument, which runc turns into one rule per condition (ORed).
 */
export function conditionSetsFromScmp(args: readonly z.infer<typeof ScmpArgSchema>[]): ArgCondition[][] {
  const conditions = args.map(conditionFromScmp);
  const indexes = new Set(conditions.map((condition) => condition.index));
  return indexes.size === conditions.length ? [conditions] : conditions.map((condition) => [condition]);
}

/** Our ABIs among libseccomp arch names; names of ABIs we do not model are for other hosts and skipped. */
export function archesFromScmp(names: readonly string[]): Arch[] {
  const ours = new Set(names.map(archFromScmp).filter((arch): arch is Arch => arch !== undefined));
  return ARCHES.filter((arch) => ours.has(arch));
}

/** The ABI libseccomp adds to every filter: the host's own. */
export function hostArch(): NativeArch {
  return process.arch === "arm64" ? "aarch64" : "x86_64";
}

/** A profile read from a file, with what of it profilesmith cannot judge. */
export interface ReadProfile {
  readonly profile: SeccompProfile;
  /** One line per name no ABI profilesmith models has (runc drops those silently; we say so). */
  readonly warnings: readonly string[];
}

/** A warning for each name none of our ABIs has (Docker's default names riscv64 and s390 calls too). */
export function unknownNameWarnings(names: readonly string[], where: string): string[] {
  return names.flatMap((name, i) =>
    ARCHES.some((arch) => isSyscall(arch, name))
      ? []
      : [`${where}.names[${i}]: "${name}" is not a syscall on ${ARCHES.join(", ")}; it cannot match there`],
  );
}

/** `syscalls[3].names[0]` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join("");
}

/** Parses `data` with `schema`, turning the first issue into an InputError naming `file` and the field. */
export function parseWith<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${fieldPath(issue.path)}: ` : "";
  throw new InputError(`${file}: ${where}${issue?.message ?? "invalid profile"}`);
}
