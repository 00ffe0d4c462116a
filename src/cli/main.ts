#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { runCli } from "./run.js";

// V8 grows the young generation up to 48 MiB while a trace is read, for little gain in
// speed when one thread reads: every event dies young. Kept at its first size, peak memory
// stays flat. Starting a worker thread sets V8's flags back to their defaults, this one
// too, so a reading with workers (a large trace scanned ahead, `--jobs N`) lets it grow:
// see scan-ahead.ts.
setFlagsFromString("--semi-space-growth-factor=1");

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
