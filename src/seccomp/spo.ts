/**
 * The Security Profiles Operator's `SeccompProfile` custom resource
 * (security-profiles-operator.x-k8s.io/v1beta1): the OCI rule list under
 * `spec`, as YAML. The resource has no field for the default action's errno,
 * so the operator's runtime uses EPERM; a profile with another default errno
 * cannot be written in this format.
 */
import { createRequire } from "node:module";
import { z } from "zod";
import { InputError, UsageError } from "../errors.js";
import { OciSeccompSchema, profileFromScmp } from "./oci.js";
import { EPERM, type SeccompProfile } from "./profile.js";
import { parseWith, scmpAction, scmpArches, scmpSyscall, type ReadProfile } from "./scmp.js";
import { sharedRuleGroups } from "./shared-rules.js";

export const SPO_API_VERSION = "security-profiles-operator.x-k8s.io/v1beta1";

/** A Kubernetes object name (DNS subdomain: RFC 1123). */
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkResourceName(name: string): void {
  if (name.length > 253 || !NAME_PATTERN.test(name)) {
    throw new UsageError(`--name "${name}" is not a Kubernetes object name (lowercase letters, digits, "-" and ".")`);
  }
}

export function emitSpo(profile: SeccompProfile, name: string): string {
  checkResourceName(name);
  const { action, errnoRet } = scmpAction(profile.defaultVerdict);
  if (errnoRet !== undefined && errnoRet !== EPERM) {
    throw new UsageError(`the SeccompProfile resource cannot say a default errno other than EPERM (here ${errnoRet})`);
  }
  const document = {
    apiVersion: SPO_API_VERSION,
    kind: "SeccompProfile",
    metadata: { name },
    spec: {
      defaultAction: action,
      architectures: scmpArches(profile.arches),
      syscalls: sharedRuleGroups(profile, profile.arches, "SPO").map(scmpSyscall),
    },
  };
  return yaml().stringify(document, { lineWidth: 0 });
}

// yaml loads when a resource is first written or read: a command writing another format does not wait for it.
const require = createRequire(import.meta.url);
const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

const SpoSchema = z.strictObject({
  apiVersion: z.literal(SPO_API_VERSION),
  kind: z.literal("SeccompProfile"),
  metadata: z.looseObject({ name: z.string() }),
  spec: OciSeccompSchema.omit({ defaultErrnoRet: true }),
});

/** A YAML syntax error on one line, `FILE:LINE: not YAML: WHY`, without the excerpt the yaml package appends. */
function yamlError(error: unknown, file: string): InputError {
  const [why = ""] = (error as Error).message.split("\n", 1);
  const reason = `not YAML: ${why.replace(/ at line \d+, column \d+:?$/, "")}`;
  const line = error instanceof yaml().YAMLError ? error.linePos?.[0].line : undefined;
  return line === undefined ? new InputError(`${file}: ${reason}`) : new InputError(reason, { file, line });
}

export function readSpo(text: string, file: string): ReadProfile {
  let document: unknown;
  try {
    document = yaml().parse(text);
  } catch (error) {
    throw yamlError(error, file);
  }
  const resource = parseWith(SpoSchema, document, file);
  return profileFromScmp(resource.spec, `${file}: spec.`);
}
