import { readdirSync, readFileSync } from "node:fs";
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

/** The lines of a recorded strace fixture (under STRACE_FIXTURES), without the last LF. */
export function recordedLines(name: string): string[] {
  return readFileSync(join(STRACE_FIXTURES, name), "latin1").trimEnd().split("\n");
}

/** `lines` of an `-f` trace replayed with fresh pids (a round at a time) until the text, each line LF-ended, is at least `bytes` long. */
export function replayed(lines: readonly string[], bytes: number): string {
  const out: string[] = [];
  let length = 0;
  for (let round = 0; length < bytes; round++) {
    for (const line of lines) {
      const text = line.replace(/^\d+/, (pid) => String(Number(pid) + 100_000 * round));
      out.push(text);
      length += text.length + 1;
    }
  }
  return out.join("\n") + "\n";
}
