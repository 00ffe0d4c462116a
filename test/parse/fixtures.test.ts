/**
 * Every strace fixture under test/fixtures/strace (recorded ones, see the
 * README there, and hand-written ones in hand-written/) yields exactly the set of
 * syscalls per personality that an independent reading of it found
 * (NAME.expected.json), with no line left unparsed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { readTraces } from "../../src/parse/index.js";

const ROOT = join(import.meta.dirname, "..", "fixtures", "strace");

function expectations(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return expectations(path);
    return entry.name.endsWith(".expected.json") ? [path] : [];
  });
}

/** The trace of a fixture: `NAME.trace`, or the `-ff` folder `NAME/` (readTraces reads its files). */
function tracePath(expectedPath: string): string {
  const base = expectedPath.slice(0, -".expected.json".length);
  if (existsSync(`${base}.trace`)) return `${base}.trace`;
  if (existsSync(base) && statSync(base).isDirectory()) return base;
  throw new Error(`${expectedPath}: no ${base}.trace and no -ff folder ${base}/`);
}

/** `{ "x86_64": ["read", …], "x86": […] }`, possibly under a `syscalls` key. */
function expectedSets(path: string): Record<string, string[]> {
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const sets = (json.syscalls ?? json) as Record<string, string[]>;
  return Object.fromEntries(Object.entries(sets).map(([arch, names]) => [arch, [...new Set(names)].sort()]));
}

const fixtures = expectations(ROOT);

describe.skipIf(fixtures.length === 0)("strace fixtures", () => {
  test.each(fixtures.map((path) => [relative(ROOT, path), path]))("%s", async (_, path) => {
    const reading = readTraces([tracePath(path)], { strict: false });
    const found = new Map<string, Set<string>>();
    for await (const batch of reading.batches) {
      for (const event of batch) {
        if (event.kind !== "syscall") continue;
        const names = found.get(event.arch) ?? new Set<string>();
        found.set(event.arch, names.add(event.name));
      }
    }
    expect(reading.report().firstUnparsed).toEqual([]);
    const sets = Object.fromEntries([...found].map(([arch, names]) => [arch, [...names].sort()]));
    expect(sets).toEqual(expectedSets(path));
  });
});
