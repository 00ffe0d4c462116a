/**
 * A seccomp profile file that can be written back in its own format: the
 * profile is replaced and the rest of the document (a whole OCI config.json,
 * a SeccompProfile resource's metadata) is kept as it was.
 */
import { parse, stringify } from "yaml";
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
      return { format, read, render: (profile) => formatProfile(profile, "docker") };
    case "oci":
      return { format, read, render: renderOci(text, file) };
    case "spo":
      return { format, read, render: renderSpo(text) };
  }
}
