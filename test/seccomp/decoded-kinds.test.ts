/** The seccomp generator reads no decoded arguments beyond SECCOMP_DECODED_KINDS: decoding only those gives the same profile. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStraceText } from "../../src/parse/index.js";
import { generateSeccomp, SECCOMP_DECODED_KINDS } from "../../src/seccomp/generate.js";

const FIXTURES = "test/fixtures/strace";
const TRACES = readdirSync(FIXTURES).filter((name) => name.endsWith(".trace"));

describe("SECCOMP_DECODED_KINDS", () => {
  it.each(TRACES)("%s: the same profile as decoding every kind", async (name) => {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    const all = await generateSeccomp({ traces: [parseStraceText(text, { file: name })] });
    const some = await generateSeccomp({ traces: [parseStraceText(text, { file: name, decode: SECCOMP_DECODED_KINDS })] });
    expect(some.text).toBe(all.text);
    expect(some.notes).toEqual(all.notes);
  });
});
