import { randomBytes } from "node:crypto";
import { rm, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { InputError } from "../errors.js";
import type { CliIo } from "./command.js";

function writeStream(stream: Writable, text: string): Promise<void> {
  return new Promise((done, fail) => stream.write(text, (error) => (error ? fail(error) : done())));
}

/**
 * Writes a command's output to `file` (relative to the command's cwd) or, when
 * `file` is undefined or `-`, to stdout. A file is written whole or not at
 * all: to a temporary file in the same directory, then renamed over the
 * target, so a reader never sees half a profile and an error leaves the old
 * file in place.
 */
export async function writeOutput(text: string, file: string | undefined, io: CliIo): Promise<void> {
  if (file === undefined || file === "-") return writeStream(io.stdout, text);
  const target = resolve(io.cwd, file);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`${file}: cannot write (${reason})`);
  }
}
