/**
 * A profile file named on the command line, read and told apart by kind.
 * The kind decides which checker, linter and differ apply to it.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { readSeccompProfile, type SeccompProfile } from "../seccomp/index.js";

export interface SeccompProfileFile {
  readonly kind: "seccomp";
  /** The name as the user gave it. */
  readonly file: string;
  readonly text: string;
  readonly profile: SeccompProfile;
  /** What of the file the reader cannot judge (names no modelled ABI has). */
  readonly warnings: readonly string[];
}

export type ProfileFile = SeccompProfileFile;

export async function readText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error));
    throw new InputError(`${file}: cannot read (${why})`);
  }
}

/** Reads a seccomp profile in Docker, OCI (a `linux.seccomp` object or a whole config.json) or SPO format. */
export async function readSeccompProfileFile(file: string, cwd: string): Promise<SeccompProfileFile> {
  const text = await readText(file, cwd);
  const { profile, warnings } = readSeccompProfile(text, file);
  return { kind: "seccomp", file, text, profile, warnings };
}
