import type { SourcePos } from "./events/types.js";

/**
 * Bad input from the user: a file we cannot read, a line or field we cannot
 * accept. The CLI prints `message` as one line and exits 2. The message names
 * the file and line (or field path) it is about.
 */
export class InputError extends Error {
  override readonly name = "InputError";

  constructor(message: string, readonly pos?: SourcePos) {
    super(pos ? `${pos.file}:${pos.line}: ${message}` : message);
  }
}

/** Bad command-line usage: an unknown flag, a missing argument. Exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
