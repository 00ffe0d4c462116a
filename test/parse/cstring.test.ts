/**
 * strace's C strings read back as the bytes strace printed: escapes of every
 * kind, UTF-8 text between them, and a backslash that starts no escape.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCString, parseCStringBytes } from "../../src/parse/cstring.js";

/** How strace prints one byte of a string: printable ASCII as is, `"` and `\` escaped, the rest in octal or as `\n`-style escapes. */
function printed(byte: number, style: "octal" | "hex" | "named"): string {
  if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`;
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  const named: Record<number, string> = { 0x0a: "n", 0x09: "t", 0x0d: "r", 0x0b: "v", 0x0c: "f" };
  if (style === "named" && named[byte] !== undefined) return `\\${named[byte]}`;
  return style === "hex" ? `\\x${byte.toString(16).padStart(2, "0")}` : `\\${byte.toString(8).padStart(3, "0")}`;
}

describe("parseCStringBytes", () => {
  it("reads back every byte string as strace prints it (law)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom("octal", "hex", "named"), (bytes, style) => {
        const text = `"${[...bytes].map((byte) => printed(byte, style as "octal" | "hex" | "named")).join("")}"`;
        expect([...(parseCStringBytes(text) ?? [])]).toEqual([...bytes]);
      }),
    );
  });

  it("keeps UTF-8 text between escapes, and a backslash that starts no escape", () => {
    expect(parseCString('"/tmp/caf\\303\\251 \u{1f600}/x"')).toBe("/tmp/café \u{1f600}/x");
    expect([...(parseCStringBytes('"a\\qb\\"') ?? [])]).toEqual([0x61, 0x5c, 0x71, 0x62, 0x5c]);
    expect(parseCString('"\\x41\\x4g\\1010"')).toBe("A\x04gA0");
  });
});
