import { readdirSync } from "node:fs";
import { join } from "node:path";

/** The recorded strace fixtures and kernel audit logs, from the project's root (vitest's cwd). */
export const STRACE_FIXTURES = "test/fixtures/strace";
export const AUDIT_FIXTURES = "test/fixtures/audit";

/** The entries of `dir` whose names match `pattern`, as paths under it. */
export function fixturesIn(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => join(dir, name));
}
