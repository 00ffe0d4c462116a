/**
 * Paths as AppArmor sees them: the kernel mediates the path a lookup ends at,
 * after every symlink on the way. Links are read from the symlinks `record`
 * kept beside a trace, or from `--root DIR` (the filesystem the trace was
 * taken on), walked component by component so a link can never lead out of DIR.
 */
import { lstatSync, readlinkSync, statSync } from "node:fs";
import { join, posix } from "node:path";

/** Where symlink targets come from: `readLink` is undefined for a path that is not a symlink. */
export interface LinkSource {
  readLink(path: string): string | undefined;
  /** Whether `path` (resolved) is a directory, when the source can tell. */
  isDirectory(path: string): boolean | undefined;
}

/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** A recorded `symlinks.json` (path → readlink target) as a link source; it knows nothing about directories. */
export function recordedLinks(links: ReadonlyMap<string, string>): LinkSource {
  return { readLink: (path) => links.get(path), isDirectory: () => undefined };
}

/** The filesystem under `root` as a link source: `/x` is `ROOT/x`; absolute targets restart at ROOT. */
export function rootLinks(root: string): LinkSource {
  const inRoot = (path: string) => join(root, path);
  return {
    readLink(path) {
      try {
        return lstatSync(inRoot(path)).isSymbolicLink() ? readlinkSync(inRoot(path), "utf8") : undefined;
      } catch {
        return undefined;
      }
    },
    isDirectory(path) {
      try {
        return statSync(inRoot(path)).isDirectory();
      } catch {
        return undefined;
      }
    },
  };
}

/** Sources asked in order: the first that knows a link wins. */
export function linkSources(sources: readonly LinkSource[]): LinkSource {
  return {
    readLink: (path) => sources.reduce<string | undefined>((found, s) => found ?? s.readLink(path), undefined),
    isDirectory: (path) => sources.reduce<boolean | undefined>((found, s) => found ?? s.isDirectory(path), undefined),
  };
}

/** Per-process views (`/proc/self` is whoever reads it) are never resolved: the generator globs them. */
function perProcess(path: string): boolean {
  return path === "/proc" || path.startsWith("/proc/");
}

/**
 * `path` (absolute) with every symlink resolved through `links`; the last
 * component is followed only when `followLast`. `..` at the root stays at the
 * root, as in the kernel. A trailing `/` is kept. Returns undefined after
 * MAX_LINKS links (a loop).
 */
export function resolvePath(path: string, links: LinkSource, followLast: boolean): string | undefined {
  const trailingSlash = path.length > 1 && path.endsWith("/");
  const pending = path.split("/").filter((name) => name !== "" && name !== ".").reverse();
  let at = "/";
  let followed = 0;
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name === "..") {
      at = posix.dirname(at);
      continue;
    }
    const next = posix.join(at, name);
    const isLast = pending.length === 0;
    const target = perProcess(next) || (isLast && !followLast && !trailingSlash) ? undefined : links.readLink(next);
    if (target === undefined) {
      at = next;
      continue;
    }
    if (++followed > MAX_LINKS) return undefined;
    pending.push(...target.split("/").filter((part) => part !== "" && part !== ".").reverse());
    if (target.startsWith("/")) at = "/";
  }
  return trailingSlash && at !== "/" ? `${at}/` : at;
}
