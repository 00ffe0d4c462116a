import { describe, expect, it } from "vitest";
import { runIn } from "./support/cli.js";

const run = (...argv: string[]) => runIn(process.cwd(), argv, {});

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
