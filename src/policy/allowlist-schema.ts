/**
 * The allowlist file format, version 1: what a workload may do beyond (or
 * never, despite) what its traces show. One file serves the seccomp and the
 * AppArmor profile. The zod schema is the source of truth;
 * schemas/allowlist.schema.json is generated from it.
 */
import { z } from "zod";
import { ARCHES, type Arch } from "../syscalls/arch.js";
import { canonicalSyscallName } from "../syscalls/lookup.js";
import {
  CAPABILITIES,
  FILE_PERMS_PATTERN,
  filePermsProblem,
  NETWORK_RULE_PATTERN,
} from "./apparmor-vocabulary.js";
import { ArgConditionSchema } from "./model.js";

export const ALLOWLIST_VERSION = 1;

const SyscallNameSchema = z.string().meta({ description: "A syscall name, as the kernel, strace or libseccomp spell it." });

/** A name some known ABI has: whether the ABIs a profile targets have it is checked when the policy is built. */
const AnyArchSyscallSchema = SyscallNameSchema.refine(
  (name) => ARCHES.some((arch) => canonicalSyscallName(arch, name) !== undefined),
  { error: (issue) => `"${String(issue.input)}" is not a syscall on any architecture (${ARCHES.join(", ")})` },
);

function archSyscallSchema(arch: Arch) {
  return SyscallNameSchema.refine((name) => canonicalSyscallName(arch, name) !== undefined, {
    error: (issue) => `"${String(issue.input)}" is not a syscall on ${arch}`,
  });
}

function ruleSchema(name: z.ZodType<string>) {
  return z
    .strictObject({
      names: z.array(name).min(1),
      args: z.array(ArgConditionSchema).min(1),
    })
    .meta({ description: "Allow each of `names` when every condition on its arguments holds." });
}

function seccompListsSchema(name: z.ZodType<string>) {
  return {
    allow: z.array(name).optional().meta({ description: "Syscalls to allow." }),
    deny: z.array(name).optional().meta({ description: "Syscalls to deny even when traced or allowed." }),
    rules: z.array(ruleSchema(name)).optional(),
  };
}

function archListsSchema(arch: Arch) {
  return z.strictObject(seccompListsSchema(archSyscallSchema(arch))).optional();
}

const ArchSectionsSchema = z
  .strictObject(
    Object.fromEntries(ARCHES.map((arch) => [arch, archListsSchema(arch)])) as Record<
      Arch,
      ReturnType<typeof archListsSchema>
    >,
  )
  .meta({ description: "Lists for one ABI only; names must exist on that ABI." });

export const SeccompAllowlistSchema = z.strictObject({
  ...seccompListsSchema(AnyArchSyscallSchema),
  arch: ArchSectionsSchema.optional(),
});

const PathSchema = z
  .string()
  .regex(/^(?:\/|@\{)/, { error: "must be an absolute path or start with an AppArmor variable (@{...})" });

export const FileRuleSchema = z.strictObject({
  path: PathSchema.meta({ description: "An AppArmor path glob: *, **, ?, [...], {a,b}, @{VAR}." }),
  perms: z
    .string()
    .regex(FILE_PERMS_PATTERN, { error: (issue) => `"${String(issue.input)}" is not an AppArmor file permission set` })
    .superRefine((perms, ctx) => {
      const problem = filePermsProblem(perms);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ description: "AppArmor permissions: r w a l k m and one exec mode (ix px Px cx Cx ux Ux pix …)." }),
});

export const AppArmorAllowlistSchema = z.strictObject({
  files: z.array(FileRuleSchema).optional(),
  exec: z.array(PathSchema).optional().meta({ description: "Programs the workload may execute (inheriting the profile)." }),
  capabilities: z
    .array(z.enum(CAPABILITIES, { error: (issue) => `"${String(issue.input)}" is not a Linux capability` }))
    .optional(),
  network: z
    .array(
      z.string().regex(NETWORK_RULE_PATTERN, {
        error: (issue) => `"${String(issue.input)}" is not an AppArmor network rule (DOMAIN [TYPE|PROTOCOL])`,
      }),
    )
    .optional()
    .meta({ description: "AppArmor network rules: `inet stream`, `unix`, `inet6 udp`, `raw`, …" }),
});

export const AllowlistSchema = z
  .strictObject({
    version: z.literal(ALLOWLIST_VERSION, {
      error: (issue) => `unsupported allowlist version ${JSON.stringify(issue.input)} (this profilesmith reads ${ALLOWLIST_VERSION})`,
    }),
    seccomp: SeccompAllowlistSchema.optional(),
    apparmor: AppArmorAllowlistSchema.optional(),
  })
  .meta({
    title: "profilesmith allowlist",
    description: "What a workload may do beyond, or never despite, what its traces show.",
  });

export type AllowlistContent = z.infer<typeof AllowlistSchema>;
export type SeccompAllowlist = z.infer<typeof SeccompAllowlistSchema>;
export type AppArmorAllowlist = z.infer<typeof AppArmorAllowlistSchema>;
export type FileRule = z.infer<typeof FileRuleSchema>;
