/**
 * A unified diff of two texts by lines (`diff -u` style, 3 lines of context),
 * for showing how a committed profile differs from its regeneration.
 */

const CONTEXT = 3;

type Op = { readonly kind: " " | "-" | "+"; readonly line: string };

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The edit script from `a` to `b` by longest common subsequence, after trimming the common ends. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j]: the LCS length of a[start+i..endA) and b[start+j..endB).
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: " ", line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      ops.push({ kind: " ", line: a[start + i]! });
      i++, j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: "-", line: a[start + i]! });
      i++;
    } else {
      ops.push({ kind: "+", line: b[start + j]! });
      j++;
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: " ", line });
  return ops;
}

function range(first: number, count: number): string {
  return count === 1 ? `${first}` : `${count === 0 ? first - 1 : first},${count}`;
}

/**
 * `--- aName` / `+++ bName` and the hunks turning `a` into `b`; the empty
 * string when they are equal.
 */
export function unifiedDiff(a: string, b: string, aName: string, bName: string): string {
  if (a === b) return "";
  const ops = editScript(splitLines(a), splitLines(b));
  const changed = ops.flatMap((op, index) => (op.kind === " " ? [] : [index]));
  const out = [`--- ${aName}`, `+++ ${bName}`];
  let next = 0;
  while (next < changed.length) {
    const from = Math.max(0, changed[next]! - CONTEXT);
    let to = changed[next]! + 1;
    while (next < changed.length && changed[next]! <= to + 2 * CONTEXT) to = changed[next++]! + 1;
    to = Math.min(ops.length, to + CONTEXT);
    const before = ops.slice(0, from);
    const hunk = ops.slice(from, to);
    const aStart = before.filter((op) => op.kind !== "+").length + 1;
    const bStart = before.filter((op) => op.kind !== "-").length + 1;
    const aCount = hunk.filter((op) => op.kind !== "+").length;
    const bCount = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`, ...hunk.map((op) => `${op.kind}${op.line}`));
  }
  const missingNewline = [a, b].some((text) => text !== "" && !text.endsWith("\n"));
  return `${out.join("\n")}\n${missingNewline ? "\\ No newline at end of file\n" : ""}`;
}
