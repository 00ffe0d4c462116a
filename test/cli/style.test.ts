import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { colourWanted, styleFor } from "../../src/cli/style.js";

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
