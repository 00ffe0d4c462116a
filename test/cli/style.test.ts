import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { colourWanted, styleFor } from "../../src/cli/style.js";
import { testIo } from "../support/cli.js";

function stream(isTTY: boolean): Writable {
  return Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY });
}

const TERMINAL = stream(true);
const PIPE = stream(false);

describe("colourWanted", () => {
  test("on a terminal without NO_COLOR", () => {
    expect(colourWanted(TERMINAL, {})).toBe(true);
  });

  test("never in a pipe or a file", () => {
    expect(colourWanted(PIPE, {})).toBe(false);
  });

  test("never with NO_COLOR set to anything non-empty; an empty NO_COLOR does not count (no-color.org)", () => {
    expect(colourWanted(TERMINAL, { NO_COLOR: "1" })).toBe(false);
    expect(colourWanted(TERMINAL, { NO_COLOR: "0" })).toBe(false);
    expect(colourWanted(TERMINAL, { NO_COLOR: "" })).toBe(true);
  });
});

describe("styleFor", () => {
  test("on a terminal: the warning label in yellow, refusals in red, the rest as it was", () => {
    const style = styleFor(TERMINAL, {});
    expect(style.warning("warning: 3 line(s) not understood")).toBe("\x1b[33mwarning:\x1b[39m 3 line(s) not understood");
    expect(style.warning("note: nothing to warn about")).toBe("note: nothing to warn about");
    expect(style.refused("a.strace:3: pid 1: x86_64 ptrace")).toBe("\x1b[31ma.strace:3: pid 1: x86_64 ptrace\x1b[39m");
  });

  test("otherwise the text is left exactly as it was", () => {
    for (const style of [styleFor(PIPE, {}), styleFor(TERMINAL, { NO_COLOR: "1" })]) {
      expect(style.warning("warning: x")).toBe("warning: x");
      expect(style.refused("denied")).toBe("denied");
    }
  });
});

describe("the commands' stderr", () => {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-style-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const trace = join(dir, "app.strace");
  writeFileSync(trace, "100 getpid() = 100\nnot strace at all\n");

  async function run(argv: readonly string[], env: NodeJS.ProcessEnv) {
    const { io, output } = testIo(dir, env);
    Object.assign(io.stderr, { isTTY: true });
    Object.assign(io.stdout, { isTTY: true });
    const code = await runCli(argv, io);
    return { code, ...output };
  }

  test.each([
    ["seccomp", ["seccomp", trace]],
    ["apparmor", ["apparmor", trace, "--name", "app"]],
  ])("%s: the warning label coloured on a terminal, the profile never", async (name, argv) => {
    const coloured = await run(argv, {});
    expect(coloured.code).toBe(0);
    expect(coloured.err).toContain(`profilesmith ${name}: \x1b[33mwarning:\x1b[39m 1 line(s) not understood`);
    expect(coloured.out).not.toContain("\x1b[");
    const plain = await run(argv, { NO_COLOR: "1" });
    expect(plain.err).toContain(`profilesmith ${name}: warning: 1 line(s) not understood`);
    expect(plain.err).not.toContain("\x1b[");
  });
});
