import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/index.js";

async function run(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const code = await runCli(argv, { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd() });
  return { code, out, err };
}

describe("the command line", () => {
  it("prints usage with --help and exits 0", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith COMMAND/);
  });

  it("prints the package version", async () => {
    const { code, out } = await run("--version");
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("leaves --help after -- to the command's operands", async () => {
    const { code, out, err } = await run("seccomp", "--", "--help");
    expect(out).toBe("");
    expect(code).toBe(2);
    expect(err).toContain("--help");
  });

  it("refuses an unknown command with exit 2 and one line on stderr", async () => {
    const { code, err } = await run("frobnicate");
    expect(code).toBe(2);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain('unknown command "frobnicate"');
  });
});
