import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/run.js";

/** Runs the CLI in-process, collecting stdout and stderr. */
export async function run(argv: readonly string[], stdinText = "") {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const code = await runCli(argv, { stdin, stdout, stderr, env: {}, cwd: process.cwd() });
  return { code, out, err };
}

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
