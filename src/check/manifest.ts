/**
 * The manifest (`profilesmith.yaml`): which committed traces and allowlists a
 * directory's profiles come from, and the options each profile was generated
 * with, so `profilesmith check` can regenerate them anywhere. Paths are
 * relative to the manifest's directory. Each profile names its generator with
 * `kind`: `seccomp` or `apparmor`.
 */
import { isAbsolute, normalize } from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import { DEFAULT_ACTIONS, RUNTIMES, SECCOMP_FORMATS } from "../seccomp/index.js";
import { ARCHES } from "../syscalls/arch.js";
import type { SourcePos } from "../events/types.js";
import type { FieldPath } from "../field-path.js";
import { parseValidatedYaml, readUserFile } from "../validated-yaml.js";

/** The file name `profilesmith check` looks for. */
export const MANIFEST_NAME = "profilesmith.yaml";

/**
 * A workload's name: what a Kubernetes resource name may be, and so also an
 * AppArmor profile name (letters, digits, `_ . -`), which the AppArmor profile
 * takes as its own.
 */
export const WORKLOAD_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const InputPath = z.string().min(1, "a path cannot be empty");

/** A file the manifest writes: relative, inside the manifest's directory. */
const OutputPath = z
  .string()
  .min(1, "a path cannot be empty")
  .refine((path) => !isAbsolute(path) && !normalize(path).startsWith(".."), "an output stays inside the manifest's directory");

export const SeccompEntrySchema = z.strictObject({
  kind: z.literal("seccomp"),
  output: OutputPath,
  format: z.enum(SECCOMP_FORMATS).default("docker"),
  runtime: z.enum([...RUNTIMES, "none"]).default("runc"),
  /** The ABIs to filter for; default the ones the traces show. */
  arches: z.array(z.enum(ARCHES)).min(1).optional(),
  defaultAction: z.enum(DEFAULT_ACTIONS).default("errno"),
  args: z.boolean().default(true),
  vdso: z.boolean().default(true),
});
export type SeccompEntry = z.infer<typeof SeccompEntrySchema>;

export const ApparmorEntrySchema = z.strictObject({
  kind: z.literal("apparmor"),
  output: OutputPath,
  /** Grant dac_override, dac_read_search, fowner, fsetid to a workload that runs as root (false: --no-implicit-caps). */
  implicitCapabilities: z.boolean().default(true),
  /** `symlinks.json` files (as `record` writes them) that resolve the traces' paths, merged; later files win. */
  symlinks: z.array(InputPath).default([]),
  /** The filesystem the traces were taken on, committed beside the manifest (an unpacked image): like --root. */
  root: InputPath.optional(),
});
export type ApparmorEntry = z.infer<typeof ApparmorEntrySchema>;

export const ProfileEntrySchema = z.discriminatedUnion("kind", [SeccompEntrySchema, ApparmorEntrySchema]);
export type ProfileEntry = z.infer<typeof ProfileEntrySchema>;

export const ManifestSchema = z
  .strictObject({
    version: z.literal(1),
    /** The workload's name: the SPO resource's metadata.name. */
    name: z.string().regex(WORKLOAD_NAME, "a name is lowercase letters, digits, '-' and '.'"),
    traces: z.array(InputPath).default([]),
    allowlists: z.array(InputPath).default([]),
    profiles: z.array(ProfileEntrySchema).min(1, "list at least one profile"),
  })
  .superRefine((manifest, context) => {
    if (manifest.traces.length === 0 && manifest.allowlists.length === 0) {
      context.addIssue({ code: "custom", path: ["traces"], message: "give at least one trace or allowlist" });
    }
    const symlinks = manifest.profiles.flatMap((profile) => (profile.kind === "apparmor" ? profile.symlinks : []));
    const inputs = new Set([...manifest.traces, ...manifest.allowlists, ...symlinks].map((path) => normalize(path)));
    const outputs = new Set<string>();
    manifest.profiles.forEach((profile, index) => {
      const output = normalize(profile.output);
      if (outputs.has(output) || inputs.has(output)) {
        context.addIssue({ code: "custom", path: ["profiles", index, "output"], message: `"${profile.output}" is already an input or output` });
      }
      outputs.add(output);
    });
  });
export type ManifestContent = z.infer<typeof ManifestSchema>;
/** What a manifest says before defaults are filled in: what `renderManifest` writes. */
export type ManifestInput = z.input<typeof ManifestSchema>;

export interface Manifest {
  /** The manifest's path as found. */
  readonly file: string;
  readonly content: ManifestContent;
  /** Where the field at `path` is in the manifest, for errors about what it names. */
  readonly posOf: (path: FieldPath) => SourcePos;
}

/**
 * Parses and validates manifest text; `file` names it in errors. Throws
 * InputError for the first problem in document order
 * (`profilesmith.yaml:6: profiles[0].format: Invalid option: …`).
 */
export function parseManifest(text: string, file: string): Manifest {
  const { data, posOf } = parseValidatedYaml(text, file, ManifestSchema, "a manifest is a mapping with `version: 1`");
  return { file, content: data, posOf };
}

export async function loadManifest(path: string): Promise<Manifest> {
  return parseManifest(await readUserFile(path, "manifest"), path);
}

const HEADER = [
  "# profilesmith manifest: the profiles below are generated from these traces and allowlists.",
  "# Edit the options (see `profilesmith check --help`), then `profilesmith check --write` regenerates",
  "# them; `profilesmith check` in CI fails when a committed profile is stale. Paths are relative to this file.",
].join("\n");

/** The manifest as YAML, with a header saying how to regenerate. */
export function renderManifest(manifest: ManifestInput): string {
  return `${HEADER}\n${stringify(manifest, { lineWidth: 0 })}`;
}
