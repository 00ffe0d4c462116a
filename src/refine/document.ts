/**
 * A seccomp profile file that can be written back in its own format: the
 * profile is replaced and the rest of the document (a whole OCI config.json,
 * a SeccompProfile resource's metadata) is kept as it was.
 */
import { parse, stringify } from "yaml";
import { InputError } from "../errors.js";
import { parseJson } from "../seccomp/docker.js";
import { formatProfile, readSeccompProfile, seccompFormatOf, type SeccompFormat } from "../seccomp/generate.js";
import { ociSeccomp } from "../seccomp/oci.js";
import type { SeccompProfile } from "../seccomp/profile.js";
import type { ReadProfile } from "../seccomp/scmp.js";

export interface ProfileDocument {
  readonly format: SeccompFormat;
  readonly read: ReadProfile;
  /** The document's text with its profile replaced by `profile`. */
  render(profile: SeccompProfile): string;
}

type JsonObject = Record<string, unknown>;

/**
 * Docker rules selected by the container's capabilities or the host's kernel
 * are resolved when read (no capabilities, a current kernel): writing the
 * profile back would drop them, so such a profile is refused.
 */
function checkDockerRoundTrip(text: string, file: string): void {
  const { syscalls } = parseJson(text, file) as { syscalls?: { includes?: JsonObject; excludes?: JsonObject }[] | null };
  for (const [i, rule] of (syscalls ?? []).entries()) {
    for (const side of ["includes", "excludes"] as const) {
      const condition = Object.keys(rule[side] ?? {}).find((key) => key !== "arches");
      if (condition !== undefined) {
        throw new InputError(
          `${file}: syscalls[${i}].${side}.${condition}: refine cannot write back rules that depend on the container's ` +
            "capabilities or kernel; refine a profile made by profilesmith seccomp",
        );
      }
    }
  }
}

function renderOci(text: string, file: string): (profile: SeccompProfile) => string {
  const json = parseJson(text, file) as JsonObject;
  const linux = json.linux as JsonObject | undefined;
  if (linux === undefined) return (profile) => formatProfile(profile, "oci");
  return (profile) => `${JSON.stringify({ ...json, linux: { ...linux, seccomp: ociSeccomp(profile) } }, null, 2)}\n`;
}

function renderSpo(text: string): (profile: SeccompProfile) => string {
  // readSeccompProfile has checked the resource: it has metadata.name.
  const resource = parse(text) as JsonObject & { metadata: { name: string } };
  return (profile) => {
    const { spec } = parse(formatProfile(profile, "spo", resource.metadata.name)) as JsonObject;
    return stringify({ ...resource, spec }, { lineWidth: 0 });
  };
}

/** Reads a profile file in any format readSeccompProfile reads. Throws InputError naming `file`. */
export function readProfileDocument(text: string, file: string): ProfileDocument {
  const read = readSeccompProfile(text, file);
  const format = seccompFormatOf(text, file);
  switch (format) {
    case "docker":
      checkDockerRoundTrip(text, file);
      return { format, read, render: (profile) => formatProfile(profile, "docker") };
    case "oci":
      return { format, read, render: renderOci(text, file) };
    case "spo":
      return { format, read, render: renderSpo(text) };
  }
}
