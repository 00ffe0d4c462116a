/**
 * The snapshot of Debian's apparmor package kept in src/apparmor/data/
 * (abstractions/base, tunables/global and their includes), read from the
 * package root so it works from src/ (tests) and dist/ (the installed CLI).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageFile } from "../package-files.js";
import { globPattern } from "./path-pattern.js";
import type { FileRule } from "./profile.js";
import { filePerms } from "./profile.js";
import type { Variables } from "./variables.js";
import { parseVariables } from "./variables.js";

/** The snapshot folder, shipped in the package as source data (package.json `files`). */
function dataDir(): string {
  return fileURLToPath(packageFile("src/apparmor/data"));
}

const INCLUDE = /^\s*include\s+(if\s+exists\s+)?<([^>]+)>\s*$/;

/**
 * The lines of snapshot file `name` (`abstractions/base`) with its includes
 * inlined, each file once; an include naming a directory inlines its files in
 * name order; `include if exists` of a missing file is nothing, as in apparmor_parser.
 */
function linesWithIncludes(name: string, seen = new Set<string>()): string[] {
  const path = join(dataDir(), name);
  if (seen.has(path)) return [];
  seen.add(path);
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((file) => linesWithIncludes(join(name, file), seen));
  }
  return readFileSync(path, "utf8")
    .split("\n")
    .flatMap((line) => {
      const include = INCLUDE.exec(line);
      if (!include) return [line];
      const target = include[2] as string;
      if (include[1] && !existsSync(join(dataDir(), target))) return [];
      return linesWithIncludes(target, seen);
    });
}

let tunables: Variables | undefined;

/** The variables `include <tunables/global>` defines, from the snapshot. */
export function snapshotVariables(): Variables {
  tunables ??= parseVariables(linesWithIncludes("tunables/global").join("\n"));
  return tunables;
}

/** Rule kinds in abstractions/base that grant no file access; coveredByBase does not need them. */
const NON_FILE_RULE = /^(?:abi|ptrace|signal|unix)\b/;
const FILE_RULE = /^(owner\s+)?(\S+)\s+([A-Za-z]+),$/;

let base: readonly FileRule[] | undefined;

/** The file rules of `include <abstractions/base>` (and what it includes), from the snapshot. */
export function baseFileRules(): readonly FileRule[] {
  base ??= linesWithIncludes("abstractions/base").flatMap((raw): FileRule[] => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "" || NON_FILE_RULE.test(line)) return [];
    const rule = FILE_RULE.exec(line);
    if (!rule) throw new Error(`abstractions/base snapshot: cannot read ${JSON.stringify(line)}`);
    return [{ kind: "file", deny: false, owner: Boolean(rule[1]), path: globPattern(rule[2] as string), perms: filePerms(rule[3] as string) }];
  });
  return base;
}
