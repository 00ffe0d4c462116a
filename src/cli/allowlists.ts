import type { Allowlist } from "../policy/allowlist.js";

/** The allowlists of `--allow` files. Their reader (YAML and zod schemas) loads only when there are some. */
export async function loadAllowlists(files: readonly string[], cwd: string): Promise<Allowlist[]> {
  if (files.length === 0) return [];
  const { loadAllowlist } = await import("../policy/allowlist.js");
  return Promise.all(files.map((file) => loadAllowlist(file, cwd)));
}
