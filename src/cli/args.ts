import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError, UsageError } from "../errors.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

interface StrictConfig<O extends OptionsConfig> {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: O;
}

export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<O>>>;

/** A command's flags and operands, strictly: an unknown or malformed flag is a UsageError (exit 2). */
export function parseCommandLine<const O extends OptionsConfig>(argv: readonly string[], options: O): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--root` as an absolute path (relative to the command's cwd); InputError unless it is a directory. */
export function rootDirectory(root: string | undefined, cwd: string): string | undefined {
  if (root === undefined) return undefined;
  const absolute = resolve(cwd, root);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) throw new InputError(`--root ${root}: not a directory`);
  return absolute;
}

/** `--jobs N`: a whole number of threads, 1 or more; undefined when not given. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs "${value}" is not a whole number of threads (1 or more)`);
  return jobs;
}

/** readTraces' `scanAhead` for `--jobs`: none with `--jobs 1`, which reads in this thread alone; else the default. */
export function scanAheadFor(jobs: number | undefined): false | undefined {
  return jobs === 1 ? false : undefined;
}
