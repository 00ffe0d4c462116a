/**
 * `profilesmith record` as a library call: run a command under strace, then
 * write the trace, the symlinks its paths go through, the profiles and the
 * manifest that regenerates them into one directory.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join, normalize, resolve } from "node:path";
import { InputError } from "../errors.js";
import { readTraces } from "../parse/index.js";
import { loadManifest, MANIFEST_NAME, parseManifest, renderManifest, type Manifest, type ManifestInput } from "../check/manifest.js";
import { regenerateManifest } from "../check/regenerate.js";
import type { CliIo } from "../cli/command.js";
import { writeOutput } from "../cli/output.js";
import { ensureStraceWorks, runTraced } from "./strace.js";
import { collectSymlinks, eventPaths, readLinkHere, renderSymlinks } from "./symlinks.js";

/** The names of the files `record` writes into its directory. */
export const RECORD_FILES = {
  manifest: MANIFEST_NAME,
  trace: "trace.strace",
  symlinks: "symlinks.json",
  seccomp: "seccomp.json",
  apparmor: "apparmor.profile",
} as const;

export interface RecordOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Where the files go (relative to `io.cwd`); created when missing, its files of the same names replaced. */
  readonly dir: string;
  /** The workload's name, as the manifest's `name` (a manifest already in `dir` keeps its own). */
  readonly name: string;
}

export interface RecordResult {
  /** The command's exit status (128 + N when killed by signal N). */
  readonly status: number;
  /** The files written, absolute: the manifest (unless one was kept) first. */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

/** What the trace says: whether the command started (an execve succeeded), and the absolute paths its calls named. */
async function scanTrace(file: string): Promise<{ started: boolean; paths: Set<string> }> {
  const paths = new Set<string>();
  if ((await stat(file)).size === 0) return { started: false, paths };
  let started = false;
  for await (const event of readTraces([file], { strict: false }).events) {
    if (event.kind !== "syscall") continue;
    if (event.decoded?.call === "execve" && event.outcome.kind === "returned") started = true;
    for (const path of eventPaths(event)) paths.add(path);
  }
  return { started, paths };
}

/**
 * The program as strace should exec it: a relative path with a slash made
 * absolute, since the trace's first execve would otherwise name it relative
 * to a directory the trace never shows, and the AppArmor profile could not
 * place it. A bare name is left for strace to look up on PATH.
 */
function absoluteProgram(command: string, cwd: string): string {
  return command.includes("/") ? resolve(cwd, command) : command;
}

/**
 * The manifest `record` writes: its trace, a Docker-format seccomp profile with
 * runc's baseline, and an AppArmor profile named `name` whose paths resolve
 * through the recorded symlinks.
 */
export function recordManifest(name: string): ManifestInput {
  return {
    version: 1,
    name,
    traces: [RECORD_FILES.trace],
    profiles: [
      { kind: "seccomp", output: RECORD_FILES.seccomp, format: "docker", runtime: "runc" },
      { kind: "apparmor", output: RECORD_FILES.apparmor, symlinks: [RECORD_FILES.symlinks], implicitCapabilities: true },
    ],
  };
}

/**
 * The manifest already in a directory, kept with the options someone chose;
 * it must read the trace `record` writes. Undefined when there is none.
 */
async function keptManifest(path: string): Promise<Manifest | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  const manifest = await loadManifest(path);
  if (!manifest.content.traces.some((trace) => normalize(trace) === RECORD_FILES.trace)) {
    throw new InputError(`${path}: does not list ${RECORD_FILES.trace}, so a new recording would not change its profiles; record into another directory`);
  }
  return manifest;
}

/**
 * Runs `options.command` under strace with `io`'s stdio, environment and
 * directory, forwarding SIGINT, SIGTERM and SIGHUP to it. Whatever its exit
 * status, writes (each file atomically) the trace, `symlinks.json`, the
 * manifest's profiles and, unless the directory has one already (which is
 * kept, with its options), the manifest. Throws InputError, writing nothing,
 * when strace is missing or may not trace, the directory's manifest is bad,
 * or the command did not start.
 */
export async function record(options: RecordOptions, io: CliIo): Promise<RecordResult> {
  await ensureStraceWorks(io.env);
  const dir = resolve(io.cwd, options.dir);
  const kept = await keptManifest(join(dir, RECORD_FILES.manifest));
  let created: string | undefined;
  try {
    created = await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`${options.dir}: cannot create directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const partialTrace = join(dir, `.${RECORD_FILES.trace}.${randomBytes(6).toString("hex")}.tmp`);
  const file = (name: string) => join(dir, name);
  try {
    const status = await runTraced(partialTrace, absoluteProgram(options.command, io.cwd), options.args, io, { cwd: io.cwd, env: io.env });
    const { started, paths } = await scanTrace(partialTrace);
    if (!started) {
      if (created !== undefined) await rm(created, { recursive: true, force: true });
      throw new InputError(`${options.command}: did not start (strace says why above); nothing was written`);
    }
    await rename(partialTrace, file(RECORD_FILES.trace));
    // Before the profiles: the AppArmor generator reads the links back from the file, as `check` does.
    await writeOutput(renderSymlinks(collectSymlinks(paths, readLinkHere)), file(RECORD_FILES.symlinks), io);

    const manifestText = renderManifest(recordManifest(options.name));
    const manifest = kept ?? parseManifest(manifestText, file(RECORD_FILES.manifest));
    const profiles = await regenerateManifest(manifest);
    for (const profile of profiles) await writeOutput(profile.text, profile.path, io);
    if (kept === undefined) await writeOutput(manifestText, manifest.file, io);
    return {
      status,
      files: [
        ...(kept === undefined ? [manifest.file] : []),
        file(RECORD_FILES.trace),
        file(RECORD_FILES.symlinks),
        ...profiles.map((profile) => profile.path),
      ],
      warnings: profiles.flatMap((profile) => profile.warnings),
      notes: profiles.flatMap((profile) => profile.notes),
    };
  } finally {
    await rm(partialTrace, { force: true });
  }
}
