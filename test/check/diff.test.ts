import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/check/diff.js";

/** Applies a unified diff to `a` (a test oracle: hunks in order, context checked). */
function applyDiff(a: string, diff: string): string {
  const source = a === "" ? [] : a.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let at = 0;
  for (const line of diff.split("\n").slice(2)) {
    const header = /^@@ -(\d+)(?:,(\d+))? /.exec(line);
    if (header) {
      const start = Number(header[1]) - (header[2] === "0" ? 0 : 1);
      out.push(...source.slice(at, start));
      at = start;
    } else if (line.startsWith(" ") || line.startsWith("-")) {
      expect(source[at]).toBe(line.slice(1));
      if (line.startsWith(" ")) out.push(line.slice(1));
      at++;
    } else if (line.startsWith("+")) out.push(line.slice(1));
  }
  out.push(...source.slice(at));
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

const text = fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 40 }).map((lines) => lines.map((l) => `${l}\n`).join(""));

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "x", "y")).toBe("");
  });

  it("shows a change with three lines of context, like diff -u", () => {
    const a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    expect(unifiedDiff(a, b, "old", "new")).toBe(
      ["--- old", "+++ new", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8", ""].join("\n"),
    );
  });

  it("diffs a missing file as all added lines", () => {
    expect(unifiedDiff("", "x\ny\n", "f", "f")).toBe("--- f\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  });

  it("keeps distant changes in separate hunks", () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${i}`);
    const b = lines.map((l) => (l === "1" || l === "18" ? `${l}!` : l));
    const diff = unifiedDiff(`${lines.join("\n")}\n`, `${b.join("\n")}\n`, "a", "b");
    expect(diff.match(/^@@/gm)).toHaveLength(2);
  });

  it("law: applying the diff of a to b to a gives b", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(applyDiff(a, unifiedDiff(a, b, "a", "b"))).toBe(b);
      }),
    );
  });

  it("law: hunk headers count the lines they hold", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const hunks = unifiedDiff(a, b, "a", "b").split(/^(?=@@)/m).slice(1);
        for (const hunk of hunks) {
          const [, , aCount = "1", , bCount = "1"] = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(hunk)!;
          const body = hunk.split("\n").slice(1, -1);
          expect(body.filter((l) => !l.startsWith("+")).length).toBe(Number(aCount));
          expect(body.filter((l) => !l.startsWith("-")).length).toBe(Number(bCount));
        }
      }),
    );
  });
});
