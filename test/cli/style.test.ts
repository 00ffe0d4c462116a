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
    expect(style.refusedLines("a.strace:3: ptrace\nb.strace:9: bpf\np.json: 2 of 7 refused\n", 2)).toBe(
      "\x1b[31ma.strace:3: ptrace\x1b[39m\n\x1b[31mb.strace:9: bpf\x1b[39m\np.json: 2 of 7 refused\n",
    );
  });

  test("otherwise the text is left exactly as it was", () => {
    for (const style of [styleFor(PIPE, {}), styleFor(TERMINAL, { NO_COLOR: "1" })]) {
      expect(style.warning("warning: x")).toBe("warning: x");
      expect(style.refusedLines("a.strace:3: ptrace\nsummary\n", 1)).toBe("a.strace:3: ptrace\nsummary\n");
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

describe("verify's report", () => {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-style-verify-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "small.strace"), "100 getpid() = 100\n");
  writeFileSync(join(dir, "more.strace"), "100 getpid() = 100\n100 ptrace(PTRACE_TRACEME) = 0\n");

  async function run(argv: readonly string[], env: NodeJS.ProcessEnv, terminal: boolean) {
    const { io, output } = testIo(dir, env);
    Object.assign(io.stdout, { isTTY: terminal });
    const code = await runCli(argv, io);
    return { code, ...output };
  }

  test("the refused calls in red on a terminal; the summary, the JSON and every pipe plain", async () => {
    const profile = join(dir, "small.json");
    expect((await run(["seccomp", join(dir, "small.strace"), "--runtime", "none", "-o", profile], {}, false)).code).toBe(0);
    const verify = ["verify", "--seccomp", profile, join(dir, "more.strace")];
    const coloured = await run(verify, {}, true);
    expect(coloured.code).toBe(1);
    const [refused, summary] = coloured.out.split("\n");
    expect(refused).toMatch(/^\x1b\[31m.*more\.strace:2: .*ptrace.*\x1b\[39m$/);
    expect(summary).not.toContain("\x1b[");
    const plain = [await run(verify, {}, false), await run(verify, { NO_COLOR: "1" }, true), await run([...verify, "--json"], {}, true)];
    for (const { code, out } of plain) {
      expect(code).toBe(1);
      expect(out).not.toContain("\x1b[");
    }
  });
});
