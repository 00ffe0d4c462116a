/** splitArgs: the top-level arguments of strace's argument syntax, each trimmed as String.prototype.trim trims. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { splitArgs } from "../../src/parse/scan.js";

describe("splitArgs", () => {
  test("splits at top-level commas only", () => {
    expect(splitArgs('AT_FDCWD, "a, b", O_RDONLY|O_CLOEXEC')).toEqual(["AT_FDCWD", '"a, b"', "O_RDONLY|O_CLOEXEC"]);
    expect(splitArgs("{flags=CLONE_VM, exit_signal=SIGCHLD}, 88")).toEqual(["{flags=CLONE_VM, exit_signal=SIGCHLD}", "88"]);
    expect(splitArgs("3</a,b>, [1, 2] /* 2 entries, */, 0")).toEqual(["3</a,b>", "[1, 2] /* 2 entries, */", "0"]);
    expect(splitArgs("")).toEqual([]);
  });

  test("trims each argument as trim does, Unicode whitespace included", () =>
    fc.assert(
      fc.property(fc.array(fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "a", "é", ",", "x y"), { maxLength: 20 }), (parts) => {
        const text = parts.join("");
        const args = text.split(",").map((arg) => arg.trim());
        expect(splitArgs(text)).toEqual(args.length === 1 && args[0] === "" ? [] : args);
      }),
    ));
});
