/**
 * The Security Profiles Operator's `SeccompProfile` custom resource
 * (security-profiles-operator.x-k8s.io/v1beta1): the OCI rule list under
 * `spec`, as YAML. The resource has no field for the default action's errno,
 * so the operator's runtime uses EPERM; a profile with another default errno
 * cannot be written in this format.
 */
import { parse, stringify } from "yaml";
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
  return stringify(document, { lineWidth: 0 });
}

const SpoSchema = z.strictObject({
  apiVersion: z.literal(SPO_API_VERSION),
  kind: z.literal("SeccompProfile"),
  metadata: z.looseObject({ name: z.string() }),
  spec: OciSeccompSchema.omit({ defaultErrnoRet: true }),
});

export function readSpo(text: string, file: string): ReadProfile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new InputError(`${file}: not YAML: ${(error as Error).message}`);
  }
  const resource = parseWith(SpoSchema, document, file);
  return profileFromScmp(resource.spec, `${file}: spec.`);
}
