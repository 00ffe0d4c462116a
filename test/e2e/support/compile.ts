import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Compiles C `source` with gcc into `dir`/`name` and returns the binary's path. */
export function compileC(dir: string, name: string, source: string, flags: readonly string[] = []): string {
  const sourcePath = join(dir, `${name}.c`);
  const binary = join(dir, name);
  writeFileSync(sourcePath, source);
  execFileSync("gcc", ["-O1", "-o", binary, sourcePath, ...flags], { stdio: ["ignore", "ignore", "pipe"] });
  return binary;
}
