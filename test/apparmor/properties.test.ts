import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FileRule } from "../../src/apparmor/index.js";
import { filePerms, literalPath, matches, profile, renderPath, renderProfile, unquote } from "../../src/apparmor/index.js";
import { requireTools } from "../support/tools.js";
import { runApparmorParser } from "./parser.js";

/** Bytes that are syntax somewhere in a profile or its regexes, drawn often so they meet each other. */
const SYNTAX = [..." \t\n\r\"',}{[]*?^@#!\\$.+|()/=:<>-"].map((c) => c.charCodeAt(0));

/** Any path but NUL, absolute: bytes 1–255 with syntax characters and UTF-8 lead bytes over-represented. */
const pathBytes = fc
  .array(fc.oneof(fc.constantFrom(...SYNTAX), fc.integer({ min: 1, max: 255 }), fc.constantFrom(0x61, 0xc3, 0xa9, 0xff, 0x7f, 0x01)), {
    maxLength: 24,
  })
  .map((bytes) => literalPath(Uint8Array.from([0x2f, ...bytes])));

const ruleFor = (path: ReturnType<typeof literalPath>): FileRule => ({ kind: "file", deny: false, owner: false, path, perms: filePerms("r") });

/** What parser_regex.c emits for a literal: the bytes, with regex metacharacters and glob characters escaped. */
function expectedPcre(bytes: string): string {
  return [...bytes].map((c) => ("*[]{}^\\$.+|()".includes(c) ? "\\" + c : c)).join("");
}

/** What processunquoted() leaves for a literal: the bytes, with the glob characters `*?[]{}^,\` escaped. */
function expectedAare(bytes: string): string {
  return [...bytes].map((c) => ("*?[]{}^,\\".includes(c) ? "\\" + c : c)).join("");
}

const missing = requireTools("literal paths through the real apparmor_parser", "apparmor_parser");

describe("literal paths: any bytes stay one exact rule", () => {
  it("reads back, per processunquoted(), as exactly the path's bytes with glob characters escaped", () => {
    fc.assert(
      fc.property(pathBytes, (path) => {
        expect(unquote(renderPath(path))).toBe(expectedAare(path.bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("a quoted literal is printable ASCII with no raw quote or backslash-before-quote inside", () => {
    fc.assert(
      fc.property(pathBytes, (path) => {
        const text = renderPath(path);
        expect(text).toMatch(/^[\x20-\x7e]+$/);
        if (text.startsWith('"')) expect(text.slice(1, -1)).not.toMatch(/"/);
      }),
      { numRuns: 2000 },
    );
  });

  it("each literal rule matches its own path and no other", () => {
    fc.assert(
      fc.property(pathBytes, pathBytes, (path, other) => {
        const p = profile("p", [], [ruleFor(path)]);
        const own = Buffer.from(path.bytes, "latin1");
        expect(matches(p, own, "r")).toBe(true);
        // abstractions/base may grant the sibling on its own; the rule must not add it.
        const sibling = Buffer.from(other.bytes, "latin1");
        if (other.bytes !== path.bytes) expect(matches(p, sibling, "r")).toBe(matches(profile("p", [], []), sibling, "r"));
        for (const variant of [path.bytes + "x", path.bytes + "/", path.bytes.replace(/[*?[\]{}^,\\]/g, "a")]) {
          if (variant !== path.bytes) {
            const bytes = Buffer.from(variant, "latin1");
            expect(matches(p, bytes, "r")).toBe(matches(profile("p", [], []), bytes, "r"));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("rendering ignores rule order", () => {
    fc.assert(
      fc.property(fc.array(pathBytes, { maxLength: 8 }), fc.infiniteStream(fc.nat()), (paths, seeds) => {
        const rules = paths.map(ruleFor);
        const shuffled = rules.map((rule) => ({ rule, key: seeds.next().value })).sort((a, b) => a.key - b.key).map((x) => x.rule);
        expect(renderProfile(profile("p", [], shuffled))).toBe(renderProfile(profile("p", [], rules)));
      }),
    );
  });

  describe.skipIf(missing.length)("apparmor_parser", () => {
    it("parses profiles of many hostile literals, each compiled to the exact literal regex", () => {
      fc.assert(
        fc.property(fc.array(pathBytes, { minLength: 1, maxLength: 60 }), (paths) => {
          const run = runApparmorParser(renderProfile(profile("hostile", [], paths.map(ruleFor))));
          expect(run.status, run.stderr).toBe(0);
          for (const path of paths) {
            const line = `aare: ${expectedAare(path.bytes)}   ->   ${expectedPcre(path.bytes)}\n`;
            expect(run.stderr.includes(line), `parser did not compile ${JSON.stringify(line)}`).toBe(true);
          }
        }),
        { numRuns: 25 },
      );
    });
  });
});
