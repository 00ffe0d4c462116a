import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS, generateAppArmor } from "../../src/apparmor/index.js";
import { parseStraceText, type DecodedKind } from "../../src/parse/index.js";

const FIXTURES = "test/fixtures/strace";

describe("APPARMOR_DECODED_KINDS and APPARMOR_CALLS", () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith(".trace"));

  it.each(names)("%s: decoding only these kinds, with only these calls' events, gives the profile of decoding all", async (name) => {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    const generate = async (options: { decode?: ReadonlySet<DecodedKind>; detailed?: ReadonlySet<string> }) => {
      const generated = await generateAppArmor({ name: "t", traces: [parseStraceText(text, { file: name, ...options })] });
      return { text: generated.text, explanation: generated.explanation, warnings: generated.warnings, notes: generated.notes };
    };
    const all = await generate({});
    expect(await generate({ decode: APPARMOR_DECODED_KINDS })).toEqual(all);
    expect(await generate({ decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS })).toEqual(all);
  });
});
