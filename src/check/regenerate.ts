/**
 * A manifest's profiles generated from its inputs: the text each committed
 * profile file must have.
 */
import { dirname, join } from "node:path";
import { readTraces, unparsedWarning } from "../parse/index.js";
import { loadAllowlist } from "../policy/index.js";
import { generateSeccomp } from "../seccomp/index.js";
import type { Manifest, ManifestContent, ProfileEntry } from "./manifest.js";

export interface RegeneratedProfile {
  readonly entry: ProfileEntry;
  /** The profile's path: the manifest's directory joined with `entry.output`. */
  readonly path: string;
  readonly text: string;
  /** Unparsed trace lines and the generator's warnings, each one line. */
  readonly warnings: readonly string[];
  /** The generator's notes (what it added and why), each one line. */
  readonly notes: readonly string[];
}

type Generated = Pick<RegeneratedProfile, "text" | "warnings" | "notes">;

async function generate(content: ManifestContent, entry: ProfileEntry, dir: string): Promise<Generated> {
  const allowlists = await Promise.all(content.allowlists.map((file) => loadAllowlist(join(dir, file))));
  const reading = readTraces(content.traces.map((file) => join(dir, file)), { strict: false });
  switch (entry.kind) {
    case "seccomp": {
      const { kind: _kind, output: _output, ...options } = entry;
      const generated = await generateSeccomp({ ...options, name: content.name, traces: [reading.events], allowlists });
      const unparsed = unparsedWarning(reading.report());
      return {
        text: generated.text,
        warnings: [...(unparsed === undefined ? [] : [unparsed]), ...generated.warnings.map((warning) => `warning: ${warning}`)],
        notes: generated.notes.map((note) => `note: ${note}`),
      };
    }
  }
}

/** Generates every profile `manifest` lists, in its order. Throws InputError for bad inputs. */
export async function regenerateManifest(manifest: Manifest): Promise<RegeneratedProfile[]> {
  const dir = dirname(manifest.file);
  const profiles: RegeneratedProfile[] = [];
  for (const entry of manifest.content.profiles) {
    profiles.push({ entry, path: join(dir, entry.output), ...(await generate(manifest.content, entry, dir)) });
  }
  return profiles;
}
