import { existsSync } from "node:fs";

/**
 * A file shipped with the package (`schemas/…`, `profiles/…`), found from
 * this module whether it runs from `src/` (tests) or `dist/src/` (built).
 */
export function packageFile(relative: string): URL {
  for (let dir = new URL(".", import.meta.url); dir.pathname !== "/"; dir = new URL("..", dir)) {
    if (existsSync(new URL("package.json", dir))) return new URL(relative, dir);
  }
  throw new Error(`package.json not found above ${import.meta.url}`);
}

/**
 * A worker thread's module, given its URL beside the module that starts it:
 * that one when it exists (built), else its build under `dist/` (tests run
 * `src/` through vitest, but a worker thread runs compiled JavaScript).
 */
export function workerModule(beside: URL): URL {
  if (existsSync(beside)) return beside;
  const root = packageFile(".");
  return packageFile(`dist/${beside.href.slice(root.href.length)}`);
}
