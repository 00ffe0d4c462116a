/**
 * `profilesmith check` as a library call: every manifest under a directory,
 * each of its profiles regenerated and compared with the committed file.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { unifiedDiff } from "./diff.js";
import { loadManifest, MANIFEST_NAME, type Manifest } from "./manifest.js";
import { regenerateManifest, type RegeneratedProfile } from "./regenerate.js";

/** Directories never searched for manifests: dependencies and version-control or tool state. */
const SKIPPED_DIRS = new Set(["node_modules"]);

/** Every manifest file under `dir` (itself included), sorted; hidden directories and node_modules are skipped. */
export async function findManifests(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${dir}: cannot read directory (${code === "ENOENT" ? "no such directory" : (code ?? String(error))})`);
  }
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === MANIFEST_NAME) found.push(path);
    else if (entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name)) {
      found.push(...(await findManifests(path)));
    }
  }
  return found;
}

export type ProfileStatus = "fresh" | "stale" | "missing";

export interface CheckedProfile extends RegeneratedProfile {
  readonly manifest: Manifest;
  readonly status: ProfileStatus;
  /** What the committed file holds; undefined when it is missing. */
  readonly committed: string | undefined;
}

async function readCommitted(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`${path}: cannot read profile (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function statusOf(committed: string | undefined, text: string): ProfileStatus {
  return committed === undefined ? "missing" : committed === text ? "fresh" : "stale";
}

/**
 * Loads every manifest under `dir` (all are validated before any profile is
 * generated) and compares each profile with its regeneration. Throws
 * InputError for no manifest, a bad manifest or a bad input.
 */
export async function checkProfiles(dir: string): Promise<CheckedProfile[]> {
  const files = await findManifests(dir);
  if (files.length === 0) throw new InputError(`${dir}: no ${MANIFEST_NAME} found under it`);
  const manifests = await Promise.all(files.map((file) => loadManifest(file)));
  const checked: CheckedProfile[] = [];
  for (const manifest of manifests) {
    for (const profile of await regenerateManifest(manifest)) {
      const committed = await readCommitted(profile.path);
      checked.push({ ...profile, manifest, committed, status: statusOf(committed, profile.text) });
    }
  }
  return checked;
}

/** The diff from the committed profile to its regeneration (`name` labels both sides). */
export function profileDiff(profile: CheckedProfile, name: string): string {
  return unifiedDiff(profile.committed ?? "", profile.text, `${name} (committed)`, `${name} (regenerated)`);
}

/**
 * The outcome as JSON for programs: each profile's manifest, path, status and
 * (when not fresh) diff, paths as `shown` gives them; `written` when --write
 * rewrote the stale and missing ones.
 */
export function checkJson(checked: readonly CheckedProfile[], shown: (path: string) => string, written: boolean): string {
  const profiles = checked.map((profile) => ({
    manifest: shown(profile.manifest.file),
    kind: profile.entry.kind,
    path: shown(profile.path),
    status: profile.status,
    ...(profile.status === "fresh" ? {} : { diff: profileDiff(profile, shown(profile.path)), written }),
    warnings: profile.warnings,
  }));
  return `${JSON.stringify({ fresh: checked.every((profile) => profile.status === "fresh"), profiles }, null, 2)}\n`;
}
