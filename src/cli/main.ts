#!/usr/bin/env node
import { capYoungGeneration } from "../worker-thread.js";
import { runCli } from "./run.js";

// V8 grows the young generation up to 48 MiB while a trace is read, for little gain in
// speed when this thread reads alone: every event dies young. Kept at its first size, peak
// memory stays flat. A large trace scanned ahead lets it grow: see parse/scan-ahead.ts.
capYoungGeneration();

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
