/**
 * The CLI as it ships: dist/cli/main.js, the bundle rolldown writes, with its
 * worker threads' entries beside its chunks. Its workers start and read as one
 * thread does, the scan worker of a large trace too. (The other CLI tests run src/ in this process.)
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { DEFAULT_SCAN_AHEAD } from "../../src/parse/scan-ahead.js";
import { recordedLines, replayed, STRACE_FIXTURES } from "../support/fixtures.js";
import { UNDER_CI } from "../support/tools.js";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;

function bundleMissing(): boolean {
  if (existsSync(CLI)) return false;
  const reason = `${CLI} is not built (npm run build)`;
  if (UNDER_CI) throw new Error(`${reason}; under CI=true this must run, not skip`);
  process.stderr.write(`skipping the bundled CLI's tests: ${reason}\n`);
  return true;
}

/** Output and warnings of the bundled CLI. */
async function run(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)("node", [CLI, ...args], { encoding: "utf8" });
}

const TRACES = ["pipeline-ff", "thread-execve-ff", "attach-sleep.trace"].map((name) => join(STRACE_FIXTURES, name));

describe.skipIf(bundleMissing())("the bundled CLI", () => {
  test("is what npx profilesmith runs: the bin of package.json and of its lock (npx reads the lock's), executable", () => {
    const json = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
    expect(json("package.json").bin.profilesmith).toBe("dist/cli/main.js");
    expect(json("package-lock.json").packages[""].bin.profilesmith).toBe("dist/cli/main.js");
    expect(() => accessSync(CLI, constants.X_OK)).not.toThrow();
  });

  test("reads on its census workers as on one thread", async () => {
    const serial = await run(["seccomp", ...TRACES, "--jobs", "1"]);
    expect(await run(["seccomp", ...TRACES, "--jobs", "3"])).toEqual(serial);
    expect(serial.stdout).toContain('"defaultAction": "SCMP_ACT_ERRNO"');
  });

  test("reads on its AppArmor trace workers as on one thread", async () => {
    const serial = await run(["apparmor", ...TRACES, "--name", "bundled", "--jobs", "1"]);
    expect(await run(["apparmor", ...TRACES, "--name", "bundled", "--jobs", "3"])).toEqual(serial);
    expect(serial.stdout).toContain("profile bundled ");
  });

  test.each([
    ["apparmor", "--name", "bundled"],
    ["seccomp", "--format", "spo", "--name", "bundled"],
  ])("%s scans a large trace ahead on its scan worker as one thread reads it (from stdin, or with --jobs 1)", async (command, ...options) => {
    const trace = largeTrace();
    const fromStdin = await promisify(execFile)("sh", ["-c", `node "$0" ${command} - ${options.join(" ")} < "$1"`, CLI, trace], { encoding: "utf8" });
    const ahead = await run([command, trace, ...options]);
    expect(ahead).toEqual({ stdout: fromStdin.stdout, stderr: fromStdin.stderr.replaceAll("<stdin>", trace) });
    expect(await run([command, trace, ...options, "--jobs", "1"])).toEqual(ahead);
    expect(ahead.stdout).toContain("bundled");
  });
});

let large: string | undefined;

/** A trace of recorded lines replayed with fresh pids, large enough to be scanned ahead by default. */
function largeTrace(): string {
  if (large !== undefined) return large;
  large = join(mkdtempSync(join(tmpdir(), "profilesmith-bundle-")), "large.strace");
  writeFileSync(large, replayed(recordedLines("pipeline-f.trace"), DEFAULT_SCAN_AHEAD.fromBytes));
  return large;
}
