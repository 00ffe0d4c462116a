/**
 * Reading allowlist files: YAML or JSON (JSON is YAML), validated against
 * AllowlistSchema, every error naming the file, the line of the offending
 * node and its field path.
 */
import type { SourcePos } from "../events/types.js";
import type { FieldPath } from "../field-path.js";
import { parseValidatedYaml, readUserFile } from "../validated-yaml.js";
import { AllowlistSchema, type AllowlistContent } from "./allowlist-schema.js";

export { formatFieldPath, type FieldPath } from "../field-path.js";

/** A parsed, valid allowlist, able to say where each of its fields is written. */
export interface Allowlist {
  readonly file: string;
  readonly content: AllowlistContent;
  /** The position of the field at `path` (or of its nearest enclosing field that exists). */
  readonly posOf: (path: FieldPath) => SourcePos;
}

/**
 * Parses and validates allowlist text. `file` names it in errors. Throws
 * InputError for the first problem in document order:
 * `nginx.yaml:7: seccomp.allow[3]: "opne" is not a syscall on any architecture (…)`.
 */
export function parseAllowlist(text: string, file: string): Allowlist {
  const { data, posOf } = parseValidatedYaml(text, file, AllowlistSchema, "an allowlist is a mapping with `version: 1`");
  return { file, content: data, posOf };
}

/** Reads and parses an allowlist file; unreadable files are InputErrors too. */
export async function loadAllowlist(path: string, cwd = "."): Promise<Allowlist> {
  return parseAllowlist(await readUserFile(path, "allowlist", cwd), path);
}
