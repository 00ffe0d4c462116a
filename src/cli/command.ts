import type { Readable, Writable } from "node:stream";

/** What a command reads and writes, so tests can run commands in-process. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Command {
  /** The full `--help` text, with examples. */
  readonly help: string;
  /** One of `EXIT`, or for `record` the status of the command it ran. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** A command as `profilesmith --help` lists it, its module loaded on demand. */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  load(): Promise<Command>;
}
