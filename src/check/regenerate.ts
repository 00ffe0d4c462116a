/**
 * A manifest's profiles generated from its inputs: the text each committed
 * profile file must have.
 */
import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { generateAppArmor } from "../apparmor/index.js";
import type { SourcePos } from "../events/types.js";
import { InputError } from "../errors.js";
import { readTraces, unparsedWarning, type TraceReading } from "../parse/index.js";
import type { Allowlist } from "../policy/allowlist.js";
import { loadAllowlist } from "../policy/index.js";
import { parseSymlinks } from "../record/symlinks.js";
import { generateSeccomp } from "../seccomp/index.js";
import { readUserFile } from "../validated-yaml.js";
import type { ApparmorEntry, Manifest, ProfileEntry } from "./manifest.js";

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

/** What every generator returns. */
interface Generated {
  readonly text: string;
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

/** One profile's inputs, read from the manifest's directory. */
interface Inputs {
  readonly manifest: Manifest;
  readonly dir: string;
  /** The entry's index in `profiles`, for errors about its fields. */
  readonly index: number;
  /** The manifest's traces (errors and warnings name them by their paths from the command's cwd). */
  readonly reading: TraceReading;
  readonly allowlists: readonly Allowlist[];
}

/** The entry's symlinks.json files merged (later ones win); undefined when it lists none. */
async function recordedSymlinks(entry: ApparmorEntry, dir: string): Promise<Map<string, string> | undefined> {
  if (entry.symlinks.length === 0) return undefined;
  const merged = new Map<string, string>();
  for (const file of entry.symlinks) {
    const path = join(dir, file);
    for (const [link, target] of parseSymlinks(await readUserFile(path, "symlinks"), path)) merged.set(link, target);
  }
  return merged;
}

/** The entry's `root` under the manifest's directory; InputError at the field unless it is a directory. */
function rootDirectory(entry: ApparmorEntry, inputs: Inputs): string | undefined {
  if (entry.root === undefined) return undefined;
  const root = join(inputs.dir, entry.root);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`profiles[${inputs.index}].root: ${entry.root} is not a directory`, inputs.manifest.posOf(["profiles", inputs.index, "root"]));
  }
  return root;
}

/**
 * Batches of events with each position naming its trace relative to the
 * manifest, as the manifest does: AppArmor rule comments cite trace lines, and
 * a profile must not depend on where the directory is checked out.
 */
async function* namedFromManifest<E extends { readonly pos: SourcePos }>(
  batches: AsyncIterable<readonly E[]>,
  dir: string,
): AsyncIterable<readonly E[]> {
  for await (const batch of batches) yield batch.map((event) => ({ ...event, pos: { file: relative(dir, event.pos.file), line: event.pos.line } }));
}

async function generate(entry: ProfileEntry, inputs: Inputs): Promise<Generated> {
  const { name } = inputs.manifest.content;
  const { reading, allowlists } = inputs;
  switch (entry.kind) {
    case "seccomp": {
      const { kind: _kind, output: _output, ...options } = entry;
      return generateSeccomp({ ...options, name, traces: [namedFromManifest(reading.batches, inputs.dir)], allowlists });
    }
    case "apparmor":
      return generateAppArmor({
        name,
        traces: [namedFromManifest(reading.recordBatches, inputs.dir)],
        // Rules from an allowlist cite it by name: the manifest's, for the same reason as the trace lines.
        allowlists: allowlists.map((allowlist, i) => ({ ...allowlist, file: inputs.manifest.content.allowlists[i]! })),
        root: rootDirectory(entry, inputs),
        recordedSymlinks: await recordedSymlinks(entry, inputs.dir),
        implicitCapabilities: entry.implicitCapabilities,
      });
  }
}

/** Generates every profile `manifest` lists, in its order. Throws InputError for bad inputs. */
export async function regenerateManifest(manifest: Manifest): Promise<RegeneratedProfile[]> {
  const dir = dirname(manifest.file);
  const { content } = manifest;
  const allowlists = await Promise.all(content.allowlists.map((file) => loadAllowlist(join(dir, file))));
  const profiles: RegeneratedProfile[] = [];
  for (const [index, entry] of content.profiles.entries()) {
    const reading = readTraces(content.traces.map((file) => join(dir, file)), { strict: false });
    const generated = await generate(entry, { manifest, dir, index, reading, allowlists });
    const unparsed = unparsedWarning(reading.report());
    profiles.push({
      entry,
      path: join(dir, entry.output),
      text: generated.text,
      warnings: [...(unparsed === undefined ? [] : [unparsed]), ...generated.warnings.map((warning) => `warning: ${warning}`)],
      notes: generated.notes.map((note) => `note: ${note}`),
    });
  }
  return profiles;
}
