/**
 * The manifest (`profilesmith.yaml`): which committed traces and allowlists a
 * directory's profiles come from, and the options each profile was generated
 * with, so `profilesmith check` can regenerate them anywhere. Paths are
 * relative to the manifest's directory. Each profile names its generator with
 * `kind`; the AppArmor generator joins as another kind.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, stringify, type Document, type Node } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { formatFieldPath, type FieldPath } from "../policy/index.js";
import { DEFAULT_ACTIONS, RUNTIMES, SECCOMP_FORMATS } from "../seccomp/index.js";
import { ARCHES } from "../syscalls/arch.js";

/** The file name `profilesmith check` looks for. */
export const MANIFEST_NAME = "profilesmith.yaml";

/** A workload's name: what a Kubernetes resource name or an AppArmor profile name may be. */
export const WORKLOAD_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const InputPath = z.string().min(1, "a path cannot be empty");

/** A file the manifest writes: relative, inside the manifest's directory. */
const OutputPath = z
  .string()
  .min(1, "a path cannot be empty")
  .refine((path) => !isAbsolute(path) && !normalize(path).startsWith(".."), "an output stays inside the manifest's directory");

export const SeccompEntrySchema = z.strictObject({
  kind: z.literal("seccomp"),
  output: OutputPath,
  format: z.enum(SECCOMP_FORMATS).default("docker"),
  runtime: z.enum([...RUNTIMES, "none"]).default("runc"),
  /** The ABIs to filter for; default the ones the traces show. */
  arches: z.array(z.enum(ARCHES)).min(1).optional(),
  defaultAction: z.enum(DEFAULT_ACTIONS).default("errno"),
  args: z.boolean().default(true),
  vdso: z.boolean().default(true),
});
export type SeccompEntry = z.infer<typeof SeccompEntrySchema>;

export const ProfileEntrySchema = z.discriminatedUnion("kind", [SeccompEntrySchema]);
export type ProfileEntry = z.infer<typeof ProfileEntrySchema>;

export const ManifestSchema = z
  .strictObject({
    version: z.literal(1),
    /** The workload's name: the SPO resource's metadata.name. */
    name: z.string().regex(WORKLOAD_NAME, "a name is lowercase letters, digits, '-' and '.'"),
    traces: z.array(InputPath).default([]),
    allowlists: z.array(InputPath).default([]),
    profiles: z.array(ProfileEntrySchema).min(1, "list at least one profile"),
  })
  .superRefine((manifest, context) => {
    if (manifest.traces.length === 0 && manifest.allowlists.length === 0) {
      context.addIssue({ code: "custom", path: ["traces"], message: "give at least one trace or allowlist" });
    }
    const inputs = new Set([...manifest.traces, ...manifest.allowlists].map((path) => normalize(path)));
    const outputs = new Set<string>();
    manifest.profiles.forEach((profile, index) => {
      const output = normalize(profile.output);
      if (outputs.has(output) || inputs.has(output)) {
        context.addIssue({ code: "custom", path: ["profiles", index, "output"], message: `"${profile.output}" is already an input or output` });
      }
      outputs.add(output);
    });
  });
export type ManifestContent = z.infer<typeof ManifestSchema>;
/** What a manifest says before defaults are filled in: what `renderManifest` writes. */
export type ManifestInput = z.input<typeof ManifestSchema>;

export interface Manifest {
  /** The manifest's path as found. */
  readonly file: string;
  readonly content: ManifestContent;
}

/** The node at `path`, or its nearest ancestor that exists; with `key`, that key's node in the map at `path`. */
function nodeAt(doc: Document, path: FieldPath, key?: string): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!node || typeof node !== "object") continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key)) return pair.key;
    }
    return node as Node;
  }
  return undefined;
}

function issueText(issue: z.core.$ZodIssue): { path: FieldPath; key?: string; message: string } {
  const path = issue.path as FieldPath;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return { path: [...path, key], key, message: "unknown field" };
  }
  if (path.length === 0) return { path, message: "a manifest is a mapping with `version: 1`" };
  return { path, message: issue.message };
}

/**
 * Parses and validates manifest text; `file` names it in errors. Throws
 * InputError for the first problem in document order
 * (`profilesmith.yaml:6: profiles[0].format: Invalid option: …`).
 */
export function parseManifest(text: string, file: string): Manifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = doc.errors[0] ?? doc.warnings[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new InputError(syntaxError.message.split("\n")[0] ?? "invalid YAML", { file, line });
  }
  const result = ManifestSchema.safeParse(doc.toJS());
  if (result.success) return { file, content: result.data };
  const located = result.error.issues.map((issue) => {
    const { path, key, message } = issueText(issue);
    const parent = key === undefined ? path : path.slice(0, -1);
    return { path, message, offset: nodeAt(doc, parent, key)?.range?.[0] ?? 0 };
  });
  const first = located.reduce((a, b) => (b.offset < a.offset ? b : a));
  const line = lineCounter.linePos(first.offset).line;
  throw new InputError(`${formatFieldPath(first.path)}: ${first.message}`, { file, line });
}

export async function loadManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`${path}: cannot read manifest (${reason})`);
  }
  return parseManifest(text, path);
}

const HEADER = [
  "# profilesmith manifest: the profiles below are generated from these traces and allowlists.",
  "# Edit the options (see `profilesmith check --help`), then `profilesmith check --write` regenerates",
  "# them; `profilesmith check` in CI fails when a committed profile is stale. Paths are relative to this file.",
].join("\n");

/** The manifest as YAML, with a header saying how to regenerate. */
export function renderManifest(manifest: ManifestInput): string {
  return `${HEADER}\n${stringify(manifest, { lineWidth: 0 })}`;
}
