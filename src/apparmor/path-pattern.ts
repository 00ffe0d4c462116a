/**
 * What a file rule's path is: a LITERAL path a trace named (any byte but NUL may
 * appear in it; rendering quotes and escapes it so it matches exactly itself), or
 * a GLOB we wrote on purpose (`/tmp/tmp.*`, `@{PROC}/@{pid}/maps`). The two are
 * different types so a literal can never reach the profile as glob syntax.
 */

/** A path as bytes, one char (code 0–255) per byte: what the kernel compares. */
export type ByteString = string;

export interface LiteralPath {
  readonly kind: "literal";
  /** Absolute, with runs of `/` collapsed as the kernel reports paths; a trailing `/` means a directory. */
  readonly bytes: ByteString;
}

export interface GlobPattern {
  readonly kind: "glob";
  /** AppArmor glob syntax, rendered as written. */
  readonly source: string;
}

export type PathPattern = LiteralPath | GlobPattern;

/** The UTF-8 bytes of `text` as a ByteString. */
export function utf8Bytes(text: string): ByteString {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** `bytes` decoded as UTF-8 (invalid sequences become U+FFFD): for comments and messages. */
export function bytesText(bytes: ByteString): string {
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/**
 * A literal path from its text (encoded as UTF-8) or its raw bytes. Throws
 * RangeError when it is not absolute or contains NUL: the generator passes
 * resolved absolute paths only.
 */
export function literalPath(path: string | Uint8Array): LiteralPath {
  const bytes = typeof path === "string" ? utf8Bytes(path) : Buffer.from(path).toString("latin1");
  if (!bytes.startsWith("/")) throw new RangeError(`not an absolute path: ${JSON.stringify(bytesText(bytes))}`);
  if (bytes.includes("\0")) throw new RangeError(`path contains NUL: ${JSON.stringify(bytesText(bytes))}`);
  return { kind: "literal", bytes: bytes.replace(/\/{2,}/g, "/") };
}

/**
 * Characters a glob may use: it is rendered unquoted, so no blank, quote, `#`,
 * `!` or control byte; commas only inside `{…}` (checked by globPattern).
 */
const GLOB_CHARS = /^[A-Za-z0-9/._+\-*?[\]{}^,@~%:=]+$/;

/** Why `source` is not a well-formed glob, or undefined. */
function globProblem(source: string): string | undefined {
  if (!GLOB_CHARS.test(source)) return "uses a character a glob may not (blank, quote, #, !, \\, control, non-ASCII)";
  if (!source.startsWith("/") && !source.startsWith("@{")) return "must start with / or @{";
  let depth = 0;
  let inClass = false;
  for (const c of source) {
    if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") inClass = true;
    else if (c === "]") return "has ] without [";
    else if (c === "{") depth++;
    else if (c === "}") {
      if (--depth < 0) return "has } without {";
    } else if (c === "," && depth === 0) return "has a comma outside {…}";
  }
  if (inClass) return "has an unclosed [";
  if (depth !== 0) return "has an unclosed {";
  return undefined;
}

/** A glob written by the generator. Throws RangeError when `source` is malformed (a bug, not bad input). */
export function globPattern(source: string): GlobPattern {
  const problem = globProblem(source);
  if (problem) throw new RangeError(`glob ${JSON.stringify(source)} ${problem}`);
  return { kind: "glob", source };
}
