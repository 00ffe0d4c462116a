/**
 * Reading allowlist files: YAML or JSON (JSON is YAML), validated against
 * AllowlistSchema, every error naming the file, the line of the offending
 * node and its field path.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import type { SourcePos } from "../events/types.js";
import { AllowlistSchema, type AllowlistContent } from "./allowlist-schema.js";

export type FieldPath = readonly (string | number)[];

/** A parsed, valid allowlist, able to say where each of its fields is written. */
export interface Allowlist {
  readonly file: string;
  readonly content: AllowlistContent;
  /** The position of the field at `path` (or of its nearest enclosing field that exists). */
  readonly posOf: (path: FieldPath) => SourcePos;
}

/** `seccomp.allow[3]`, `apparmor.files[0].perms`; the empty path is the document. */
export function formatFieldPath(path: FieldPath): string {
  if (path.length === 0) return "(document)";
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
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

function lineOf(lineCounter: LineCounter, node: Node | undefined): number {
  const offset = node?.range?.[0] ?? 0;
  return lineCounter.linePos(offset).line;
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
  readonly node: Node | undefined;
}

function locate(doc: Document, data: unknown, issue: z.core.$ZodIssue): Located {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return { path: [...issue.path, key] as FieldPath, message: "unknown field", node: nodeAt(doc, issue.path as FieldPath, key) };
  }
  const path = issue.path as FieldPath;
  if (path.length === 0) return { path, message: "an allowlist is a mapping with `version: 1`", node: nodeAt(doc, path) };
  const missing = valueAt(data, path) === undefined;
  return { path, message: missing ? "required field is missing" : issue.message, node: nodeAt(doc, path) };
}

/**
 * Parses and validates allowlist text. `file` names it in errors. Throws
 * InputError for the first problem in document order:
 * `nginx.yaml:7: seccomp.allow[3]: "opne" is not a syscall on any architecture (…)`.
 */
export function parseAllowlist(text: string, file: string): Allowlist {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // Warnings (an unknown tag, say) would change what the file means: refuse them too.
  const syntaxError = doc.errors[0] ?? doc.warnings[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new InputError(syntaxError.message.split("\n")[0] ?? "invalid YAML", { file, line });
  }
  const data: unknown = doc.toJS();
  const result = AllowlistSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => locate(doc, data, issue));
    const first = problems.reduce((a, b) => ((b.node?.range?.[0] ?? 0) < (a.node?.range?.[0] ?? 0) ? b : a));
    const line = lineOf(lineCounter, first.node);
    throw new InputError(`${formatFieldPath(first.path)}: ${first.message}`, { file, line });
  }
  return {
    file,
    content: result.data,
    posOf: (path) => ({ file, line: lineOf(lineCounter, nodeAt(doc, path)) }),
  };
}

/** Reads and parses an allowlist file; unreadable files are InputErrors too. */
export async function loadAllowlist(path: string): Promise<Allowlist> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`${path}: cannot read allowlist (${reason})`);
  }
  return parseAllowlist(text, path);
}
