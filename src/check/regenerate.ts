/**
 * A manifest's profiles generated from its inputs: the text each committed
 * profile file must have.
 */
import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS, generateAppArmor } from "../apparmor/index.js";
import { InputError } from "../errors.js";
import { readTraces, unparsedWarning, type TraceReading } from "../parse/index.js";
import type { CallTally } from "../parse/parser.js";
import type { Allowlist } from "../policy/allowlist.js";
import { CallCensus, loadAllowlist } from "../policy/index.js";
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

/** A trace's path as the manifest in `dir` names it (memoized: every event asks). */
function fromManifest(dir: string): (file: string) => string {
  const names = new Map<string, string>();
  return (file) => {
    let name = names.get(file);
    if (name === undefined) names.set(file, (name = relative(dir, file)));
    return name;
  };
}

/**
 * A reading of the manifest's traces: with AppArmor's events (see
 * APPARMOR_CALLS) when `appArmor`, else none of the calls'; counting every
 * call into `tally` if given. Events and the tally name each trace as the
 * manifest does: AppArmor rule comments cite trace lines, and a profile must
 * not depend on where the directory is checked out.
 */
function tracesReading(manifest: Manifest, dir: string, appArmor: boolean, tally?: CallTally): TraceReading {
  const paths = manifest.content.traces.map((file) => join(dir, file));
  const events = appArmor ? { decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS } : {};
  return readTraces(paths, { strict: false, ...events, tally, eventFile: fromManifest(dir) });
}

async function generateAppArmorEntry(entry: ApparmorEntry, inputs: Inputs): Promise<Generated> {
  const { manifest, reading, allowlists } = inputs;
  return generateAppArmor({
    name: manifest.content.name,
    traces: [reading.recordBatches],
    // Rules from an allowlist cite it by name: the manifest's, for the same reason as the trace lines.
    allowlists: allowlists.map((allowlist, i) => ({ ...allowlist, file: manifest.content.allowlists[i]! })),
    root: rootDirectory(entry, inputs),
    recordedSymlinks: await recordedSymlinks(entry, inputs.dir),
    implicitCapabilities: entry.implicitCapabilities,
  });
}

function regenerated(entry: ProfileEntry, dir: string, reading: TraceReading, generated: Generated): RegeneratedProfile {
  const unparsed = unparsedWarning(reading.report());
  return {
    entry,
    path: join(dir, entry.output),
    text: generated.text,
    warnings: [...(unparsed === undefined ? [] : [unparsed]), ...generated.warnings.map((warning) => `warning: ${warning}`)],
    notes: generated.notes.map((note) => `note: ${note}`),
  };
}

/**
 * Generates every profile `manifest` lists, in its order. Throws InputError for bad inputs.
 * The traces are read once for all: every call counted for the seccomp profiles while the
 * first AppArmor profile reads its events (a second one reads them again).
 */
export async function regenerateManifest(manifest: Manifest): Promise<RegeneratedProfile[]> {
  const dir = dirname(manifest.file);
  const { content } = manifest;
  const allowlists = await Promise.all(content.allowlists.map((file) => loadAllowlist(join(dir, file))));
  const census = new CallCensus();
  const hasAppArmor = content.profiles.some((entry) => entry.kind === "apparmor");
  const shared = tracesReading(manifest, dir, hasAppArmor, census);
  const profiles = new Map<number, RegeneratedProfile>();
  let first = true;
  for (const [index, entry] of content.profiles.entries()) {
    if (entry.kind !== "apparmor") continue;
    const reading = first ? shared : tracesReading(manifest, dir, true);
    first = false;
    profiles.set(index, regenerated(entry, dir, reading, await generateAppArmorEntry(entry, { manifest, dir, index, reading, allowlists })));
  }
  // Without AppArmor profiles, the reading makes no call's event (it counts them into the census): it is read through.
  if (!hasAppArmor) for await (const _batch of shared.batches) continue;
  const tracePolicy = census.policy();
  for (const [index, entry] of content.profiles.entries()) {
    if (entry.kind !== "seccomp") continue;
    const { kind: _kind, output: _output, ...options } = entry;
    const generated = await generateSeccomp({ ...options, name: content.name, tracePolicies: [tracePolicy], allowlists });
    profiles.set(index, regenerated(entry, dir, shared, generated));
  }
  return content.profiles.map((_, index) => profiles.get(index)!);
}
