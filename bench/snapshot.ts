/**
 * A copy of the built package, as npm would ship it (package.json's `files`),
 * so a long bench measures one build even while dist/ is rebuilt under it.
 */
import { cpSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** Copies the package at `root` into `dest` and returns the path of its CLI there. */
export function snapshotPackage(root: string, dest: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[]; bin: { profilesmith: string } };
  for (const entry of ["package.json", ...manifest.files]) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dest, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dest, "node_modules"));
  return join(dest, manifest.bin.profilesmith);
}
