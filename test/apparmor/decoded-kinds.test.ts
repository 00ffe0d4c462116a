import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPARMOR_DECODED_KINDS, generateAppArmor } from "../../src/apparmor/index.js";
import { parseStraceText, type DecodedKind } from "../../src/parse/index.js";

const FIXTURES = "test/fixtures/strace";

describe("APPARMOR_DECODED_KINDS", () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith(".trace"));

  it.each(names)("%s: decoding only these kinds gives the profile of decoding all", async (name) => {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    const generate = async (decode?: ReadonlySet<DecodedKind>) => {
      const generated = await generateAppArmor({ name: "t", traces: [parseStraceText(text, { file: name, ...(decode ? { decode } : {}) })] });
      return { text: generated.text, explanation: generated.explanation, warnings: generated.warnings, notes: generated.notes };
    };
    expect(await generate(APPARMOR_DECODED_KINDS)).toEqual(await generate());
  });
});
