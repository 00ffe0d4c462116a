/**
 * Reading a YAML (or JSON) file the user wrote against a zod schema, with every
 * error naming the file, the line of the offending node and its field path:
 * `nginx.yaml:7: seccomp.allow[3]: "opne" is not a syscall on …`.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { InputError } from "./errors.js";
import type { SourcePos } from "./events/types.js";
import { formatFieldPath, type FieldPath } from "./field-path.js";

export interface ValidatedYaml<T> {
  readonly data: T;
  /** The position of the field at `path` (or of its nearest enclosing field that exists). */
  readonly posOf: (path: FieldPath) => SourcePos;
}

/** The node at `path`, or the nearest ancestor that exists; with `keyOf`, the map key node named so. */
function nodeAt(doc: Document, path: FieldPath, keyOf?: string): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!node || typeof node !== "object") continue;
    if (keyOf !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === keyOf);
      if (pair && isScalar(pair.key)) return pair.key;
    }
    return node as Node;
  }
  return undefined;
}

function valueAt(value: unknown, path: FieldPath): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

interface Located {
  readonly path: FieldPath;
  readonly message: string;
  readonly offset: number;
}

function locate(doc: Document, data: unknown, issue: z.core.$ZodIssue, documentShape: string): Located {
  const path = issue.path as FieldPath;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return { path: [...path, key], message: "unknown field", offset: nodeAt(doc, path, key)?.range?.[0] ?? 0 };
  }
  const offset = nodeAt(doc, path)?.range?.[0] ?? 0;
  if (path.length === 0) return { path, message: documentShape, offset };
  // A refinement's own message says more than "missing" would.
  const missing = issue.code !== "custom" && valueAt(data, path) === undefined;
  return { path, message: missing ? "required field is missing" : issue.message, offset };
}

/**
 * Parses `text` and validates it against `schema`; `file` names it in errors.
 * Throws InputError for the first problem in document order. `documentShape`
 * says what the whole document must be (`an allowlist is a mapping with
 * \`version: 1\``), for a document that is not even that.
 */
export function parseValidatedYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  documentShape: string,
): ValidatedYaml<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // Warnings (an unknown tag, say) would change what the file means: refuse them too.
  const syntaxError = doc.errors[0] ?? doc.warnings[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new InputError(syntaxError.message.split("\n")[0] ?? "invalid YAML", { file, line });
  }
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => locate(doc, data, issue, documentShape));
    const first = problems.reduce((a, b) => (b.offset < a.offset ? b : a));
    const line = lineCounter.linePos(first.offset).line;
    throw new InputError(`${formatFieldPath(first.path)}: ${first.message}`, { file, line });
  }
  const lineOf = (path: FieldPath) => lineCounter.linePos(nodeAt(doc, path)?.range?.[0] ?? 0).line;
  return { data: result.data, posOf: (path) => ({ file, line: lineOf(path) }) };
}

/**
 * Reads a file the user named (a relative path from `cwd`); an unreadable one
 * is an InputError naming it as given (`x.yaml: cannot read manifest (ENOENT)`).
 */
export async function readUserFile(path: string, what: string, cwd = "."): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`${path}: cannot read ${what} (${reason})`);
  }
}
