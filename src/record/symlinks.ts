/**
 * The symlinks a trace's paths go through, recorded when the trace is taken so
 * that resolving those paths later (AppArmor mediates resolved paths) depends
 * only on committed files, never on the machine that regenerates.
 *
 * The file (`symlinks.json`) maps each symlink's absolute path to its target as
 * readlink returns it, keys sorted: `{ "/bin": "usr/bin", … }`.
 */
import { existsSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { z } from "zod";
import type { SyscallEvent } from "../events/types.js";
import { InputError } from "../errors.js";
import { byCodeUnit } from "../order.js";

/** Symlink path → readlink target. */
export type Symlinks = ReadonlyMap<string, string>;

/** A symlink's target, or undefined when `path` is not a symlink (or does not exist). */
export type ReadLink = (path: string) => string | undefined;

/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** Per-process views (`/proc/self` is whoever reads it): nothing under /proc is resolved. */
function perProcess(path: string): boolean {
  return path === "/proc" || path.startsWith("/proc/");
}

/** The absolute paths an event's decoded arguments name: absolute ones, and relative ones under a `-y` directory. */
export function eventPaths(event: SyscallEvent): string[] {
  const decoded = event.decoded;
  if (decoded === undefined) return [];
  const args = decoded.call === "open" || decoded.call === "execve" ? [decoded.at] : decoded.call === "path" ? decoded.paths : [];
  return args.flatMap(({ dirfd, path }) => {
    if (path.startsWith("/")) return [path];
    const dir = dirfd.decoration;
    return dir !== undefined && dir.startsWith("/") && path !== "" ? [posix.join(dir, path)] : [];
  });
}

/**
 * Walks `path` component by component as the kernel's lookup does, following
 * each symlink met (and the symlinks in its target), and adds every one to
 * `found`. Stops at a missing component, at /proc, or after MAX_LINKS links.
 */
function followPath(path: string, readLink: ReadLink, found: Map<string, string>): void {
  const pending = path.split("/").reverse();
  let at = "/";
  let links = 0;
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      at = posix.dirname(at);
      continue;
    }
    const next = posix.join(at, name);
    if (perProcess(next)) return;
    const target = readLink(next);
    if (target === undefined) {
      at = next;
      continue;
    }
    found.set(next, target);
    if (++links > MAX_LINKS) return;
    pending.push(...target.split("/").reverse());
    if (target.startsWith("/")) at = "/";
  }
}

/** Every symlink met resolving `paths` (absolute), with its target. */
export function collectSymlinks(paths: Iterable<string>, readLink: ReadLink): Symlinks {
  const found = new Map<string, string>();
  const cache = new Map<string, string | undefined>();
  const cachedReadLink: ReadLink = (path) => {
    if (!cache.has(path)) cache.set(path, readLink(path));
    return cache.get(path);
  };
  for (const path of new Set(paths)) followPath(path, cachedReadLink, found);
  return found;
}

/** readlink on this machine: undefined for anything that is not a readable symlink. */
export const readLinkHere: ReadLink = (path) => {
  try {
    return readlinkSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** The `symlinks.json` text: keys sorted, one link a line. */
export function renderSymlinks(symlinks: Symlinks): string {
  const sorted = [...symlinks].sort(([a], [b]) => byCodeUnit(a, b));
  return `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`;
}

const SymlinksSchema = z.record(z.string(), z.string().min(1, "a target cannot be empty")).superRefine((symlinks, context) => {
  for (const path of Object.keys(symlinks)) {
    if (!path.startsWith("/")) context.addIssue({ code: "custom", path: [path], message: "a symlink's path is absolute" });
  }
});

/** Reads `symlinks.json` text back; `file` names it in errors. */
export function parseSymlinks(text: string, file: string): Symlinks {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${(error as Error).message})`);
  }
  const result = SymlinksSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.map(String).join(".") || "(document)"}: ${issue.message}`);
  }
  return new Map(Object.entries(result.data));
}

const SYMLINKS_FILE = "symlinks.json";

/**
 * The symlinks.json files `record` wrote beside the traces (or in a -ff
 * folder), relative paths read from `cwd`, merged; undefined when there are none.
 */
export function symlinksBesideTraces(traces: readonly string[], cwd: string): Map<string, string> | undefined {
  const located = traces.filter((trace) => trace !== "-").map((trace) => resolve(cwd, trace));
  const files = [
    ...new Set(
      located.filter((trace) => existsSync(trace)).map((trace) => join(statSync(trace).isDirectory() ? trace : dirname(trace), SYMLINKS_FILE)),
    ),
  ].filter((file) => existsSync(file));
  if (files.length === 0) return undefined;
  const merged = new Map<string, string>();
  for (const file of files.sort()) for (const [path, target] of parseSymlinks(readFileSync(file, "utf8"), file)) merged.set(path, target);
  return merged;
}
