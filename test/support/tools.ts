import { execFileSync } from "node:child_process";

/** Under CI every tool a test needs must be there: a missing one fails instead of skipping. */
export const UNDER_CI = process.env.CI === "true";

function onPath(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Which of `tools` are missing. Use as
 * `describe.skipIf(missing.length)(…)` after `const missing = requireTools(...)`:
 * on a developer's machine a missing tool skips with a reason on stderr; under
 * `CI=true` it throws, so the suite fails rather than silently skipping.
 */
export function requireTools(what: string, ...tools: string[]): string[] {
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) return [];
  const reason = `${what}: needs ${missing.join(", ")} (bash .ci/run installs them)`;
  if (UNDER_CI) throw new Error(`${reason}; under CI=true this must run, not skip`);
  process.stderr.write(`skipping ${reason}\n`);
  return missing;
}
