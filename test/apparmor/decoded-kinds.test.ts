import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS, generateAppArmor } from "../../src/apparmor/index.js";
import { mayMapExecutable } from "../../src/apparmor/observe.js";
import { parseStraceText, type DecodedKind, type DetailedCalls } from "../../src/parse/index.js";

const FIXTURES = "test/fixtures/strace";

describe("APPARMOR_DECODED_KINDS and APPARMOR_CALLS", () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith(".trace"));

  it.each(names)("%s: decoding only these kinds, with only these calls' events, gives the profile of decoding all", async (name) => {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    const generate = async (options: { decode?: ReadonlySet<DecodedKind>; detailed?: DetailedCalls }) => {
      const generated = await generateAppArmor({ name: "t", traces: [parseStraceText(text, { file: name, ...options })] });
      return { text: generated.text, explanation: generated.explanation, warnings: generated.warnings, notes: generated.notes };
    };
    const all = await generate({});
    expect(await generate({ decode: APPARMOR_DECODED_KINDS })).toEqual(all);
    expect(await generate({ decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS })).toEqual(all);
  });
});

describe("mayMapExecutable", () => {
  it.each([
    ["NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", false],
    ["0x7f1200000000, 1540096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3</usr/lib/libc.so.6>, 0x28000", true],
    ["NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", false],
    ["NULL, 4096, PROT_EXEC, MAP_PRIVATE, 3, 0", true],
    // -X raw and -X verbose: not in words, so maybe.
    ["NULL, 0x2000, 0x5, 0x22, -1, 0", true],
    ["NULL, 8192, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0", true],
    // A path that names PROT_EXEC is not the protection.
    ["NULL, 8192, PROT_READ, MAP_PRIVATE, 3</PROT_EXEC>, 0", false],
    ["NULL", true],
  ])("%s: %s", (args, expected) => {
    const bytes = Buffer.from(args, "latin1");
    expect(mayMapExecutable(bytes, 0, bytes.length)).toBe(expected);
    // As the parser tests them: inside their line's bytes, which go on after them.
    const line = Buffer.from(`123 mmap(${args}) = 0x7f1200000000, PROT_EXEC`, "latin1");
    expect(mayMapExecutable(line, "123 mmap(".length, "123 mmap(".length + bytes.length)).toBe(expected);
  });
});
