import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/run.js";
import type { CliIo } from "../../src/cli/command.js";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** In-process streams for a command: stdin holds `stdinText`; what is written to stdout and stderr is collected. */
export function testIo(cwd: string, env: NodeJS.ProcessEnv = process.env, stdinText = "") {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const output = { out: "", err: "" };
  stdout.on("data", (chunk) => (output.out += chunk));
  stderr.on("data", (chunk) => (output.err += chunk));
  const io: CliIo = { stdin, stdout, stderr, env, cwd };
  return { io, output };
}

/** Runs the CLI in-process in `cwd`. */
export async function runIn(cwd: string, argv: readonly string[], env?: NodeJS.ProcessEnv, stdinText?: string): Promise<CliRun> {
  const { io, output } = testIo(cwd, env, stdinText);
  const code = await runCli(argv, io);
  return { code, ...output };
}
