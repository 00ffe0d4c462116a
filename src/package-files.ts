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
