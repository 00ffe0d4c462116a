/**
 * The OCI runtime-spec `linux.seccomp` object (config.json), as runc and crun
 * read it: one rule list for every ABI. Every object written is validated
 * against the runtime-spec JSON Schema shipped in `schemas/runtime-spec/`;
 * an invalid one is a bug in profilesmith and throws.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { z } from "zod";
import { parseJson } from "./docker.js";
import { packageFile } from "../package-files.js";
import { canonicalProfile, withNativeArches, type SeccompProfile } from "./profile.js";
import {
  archesFromScmp,
  conditionSetsFromScmp,
  ErrnoSchema,
  hostArch,
  parseWith,
  type ReadProfile,
  ScmpActionSchema,
  scmpAction,
  ScmpArgSchema,
  scmpArches,
  scmpSyscall,
  unknownNameWarnings,
  verdictFromScmp,
} from "./scmp.js";
import { expandRuleGroups, sharedRuleGroups } from "./shared-rules.js";

const SCHEMA_FILES = ["defs.json", "defs-linux.json", "config-linux.json"] as const;

let validator: ValidateFunction | undefined;

// ajv loads when the first OCI object is validated: a command writing another format does not wait for it.
const require = createRequire(import.meta.url);

function ociSeccompValidator(): ValidateFunction {
  if (validator) return validator;
  const { Ajv } = require("ajv") as typeof import("ajv");
  const ajv = new Ajv({ strict: false, allErrors: true });
  const dir = packageFile("schemas/runtime-spec/");
  for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(new URL(file, dir), "utf8")) as object, file);
  validator = ajv.compile({ $ref: "config-linux.json#/linux/properties/seccomp" });
  return validator;
}

/** The OCI object for a profile; throws when it would not validate against the runtime-spec schema. */
export function ociSeccomp(profile: SeccompProfile): object {
  const { action, errnoRet } = scmpAction(profile.defaultVerdict);
  const seccomp = {
    defaultAction: action,
    ...(errnoRet !== undefined ? { defaultErrnoRet: errnoRet } : {}),
    architectures: scmpArches(profile.arches),
    syscalls: sharedRuleGroups(profile, profile.arches, "OCI").map(scmpSyscall),
  };
  const validate = ociSeccompValidator();
  if (!validate(seccomp)) {
    throw new Error(`bug: the OCI seccomp object fails the runtime-spec schema: ${JSON.stringify(validate.errors)}`);
  }
  return seccomp;
}

export function emitOci(profile: SeccompProfile): string {
  return `${JSON.stringify(ociSeccomp(profile), null, 2)}\n`;
}

export const ScmpSyscallSchema = z.strictObject({
  names: z.array(z.string()).min(1),
  action: ScmpActionSchema,
  errnoRet: ErrnoSchema.optional(),
  args: z.array(ScmpArgSchema).optional(),
});

export const OciSeccompSchema = z.strictObject({
  defaultAction: ScmpActionSchema,
  defaultErrnoRet: ErrnoSchema.optional(),
  architectures: z.array(z.string()).optional(),
  syscalls: z.array(ScmpSyscallSchema).optional(),
});

/** A profile from the parts the OCI and SPO formats share. */
export function profileFromScmp(seccomp: z.infer<typeof OciSeccompSchema>, where: string): ReadProfile {
  const listed = archesFromScmp(seccomp.architectures ?? []);
  const arches = withNativeArches(listed.length > 0 ? listed : [hostArch()]);
  const warnings: string[] = [];
  const rules = (seccomp.syscalls ?? []).flatMap((rule, i) => {
    const at = `${where}syscalls[${i}]`;
    warnings.push(...unknownNameWarnings(rule.names, at));
    const verdict = verdictFromScmp(rule.action, rule.errnoRet, at);
    return conditionSetsFromScmp(rule.args ?? []).flatMap((args) =>
      expandRuleGroups([{ names: rule.names, verdict, args }], arches),
    );
  });
  const profile = canonicalProfile({
    defaultVerdict: verdictFromScmp(seccomp.defaultAction, seccomp.defaultErrnoRet, `${where}defaultAction`),
    arches,
    rules,
  });
  return { profile, warnings };
}

/** Reads a `linux.seccomp` object, or a whole config.json holding one. */
export function readOci(text: string, file: string): ReadProfile {
  const json = parseJson(text, file);
  const inConfig = z.object({ linux: z.object({ seccomp: z.unknown() }) }).safeParse(json);
  const seccomp = parseWith(OciSeccompSchema, inConfig.success ? inConfig.data.linux.seccomp : json, file);
  return profileFromScmp(seccomp, `${file}: ${inConfig.success ? "linux.seccomp." : ""}`);
}
