import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runIn } from "../support/cli.js";

/** Runs the CLI in-process, collecting stdout and stderr. */
export const run = (argv: readonly string[], stdinText = "") => runIn(process.cwd(), argv, {}, stdinText);

/** A fresh directory holding `files`. */
export function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-verify-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export const FIXTURES = "test/fixtures/strace";

/** Every recorded fixture trace: `NAME.trace` files, and the files of each `-ff` folder as one trace. */
export function fixtureTraces(): { name: string; paths: string[] }[] {
  return readdirSync(FIXTURES)
    .filter((entry) => entry.endsWith(".trace") || (entry.endsWith("-ff") && statSync(join(FIXTURES, entry)).isDirectory()))
    .sort()
    .map((entry) => {
      const path = join(FIXTURES, entry);
      const paths = entry.endsWith(".trace") ? [path] : readdirSync(path).sort().map((file) => join(path, file));
      return { name: entry, paths };
    });
}
