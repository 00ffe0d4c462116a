/**
 * Read-only `**` globs for workloads that read many files of one installed
 * package (`/usr/lib/python3.11/**`): one rule a reviewer can judge instead of
 * hundreds, still unable to write or run anything.
 *
 * Limits (README "AppArmor profiles"):
 * - only files the workload only read (`r`, nothing else), never write, lock, map or exec;
 * - only under system software roots (SIBLING_GLOB_ROOTS), so never under /etc,
 *   /root, /home, /proc, /sys, /run, /var/lib, /tmp or /dev;
 * - the directory is at least SIBLING_GLOB_MIN_DEPTH levels deep (`/usr/lib/python3.11`);
 * - at least SIBLING_GLOB_MIN_PATHS observed paths under it; the shallowest
 *   such directory is chosen, so one package gets one rule.
 */

/** Roots of read-only installed software. */
export const SIBLING_GLOB_ROOTS = ["/usr/", "/opt/", "/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/"] as const;
export const SIBLING_GLOB_MIN_DEPTH = 3;
export const SIBLING_GLOB_MIN_PATHS = 8;

/** A directory whose `**` read rule replaces `covers`. */
export interface SiblingGlob {
  /** The directory, with a trailing `/`: the rule is `DIR** r`. */
  readonly directory: string;
  readonly covers: readonly string[];
}

/** Ancestor directories of `path` (with trailing `/`) at depth ≥ SIBLING_GLOB_MIN_DEPTH, shallowest first. */
function deepAncestors(path: string): string[] {
  const components = path.split("/").filter(Boolean);
  const fileDepth = path.endsWith("/") ? components.length : components.length - 1;
  const ancestors: string[] = [];
  for (let depth = SIBLING_GLOB_MIN_DEPTH; depth <= fileDepth; depth++) {
    // A directory path's own entry (`/usr/lib/x/`) is not under itself.
    if (path.endsWith("/") && depth === components.length) break;
    ancestors.push(`/${components.slice(0, depth).join("/")}/`);
  }
  return ancestors;
}

/** A directory that can be written in a glob without quoting and without glob syntax. */
const PLAIN_DIRECTORY = /^\/[A-Za-z0-9/._+\-@~%:=]+\/$/;

/**
 * The sibling globs for `readOnly` paths (resolved; only-read ones), and the
 * paths they replace. Deterministic: paths are considered sorted.
 */
export function siblingGlobs(readOnly: Iterable<string>): SiblingGlob[] {
  const paths = [...new Set(readOnly)].filter((p) => SIBLING_GLOB_ROOTS.some((root) => p.startsWith(root))).sort();
  const counts = new Map<string, number>();
  for (const path of paths) for (const dir of deepAncestors(path)) counts.set(dir, (counts.get(dir) ?? 0) + 1);
  const chosen = new Map<string, string[]>();
  for (const path of paths) {
    const dir = deepAncestors(path).find((d) => (counts.get(d) ?? 0) >= SIBLING_GLOB_MIN_PATHS && PLAIN_DIRECTORY.test(d));
    if (dir === undefined) continue;
    let covers = chosen.get(dir);
    if (!covers) chosen.set(dir, (covers = []));
    covers.push(path);
  }
  return [...chosen].sort(([a], [b]) => (a < b ? -1 : 1)).map(([directory, covers]) => ({ directory, covers }));
}
