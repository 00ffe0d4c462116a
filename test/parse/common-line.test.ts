/**
 * The fast path for the common line shapes (the WebAssembly scanner) is only
 * a shortcut: every line it reads, the general path reads the same way, and
 * it reads a line the same in a text of many as alone.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CommonLineScanner, commonLineShape, recordShape, type CommonLineShape } from "../../src/parse/common-lines.js";
import { parseAnyLine, parseCommonLine } from "../../src/parse/line.js";

const FIXTURES = "test/fixtures/strace";

function traceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "programs" ? [] : traceFiles(path);
    return name.endsWith(".trace") || /\.\d+$/.test(name) ? [path] : [];
  });
}

const LINES = traceFiles(FIXTURES).flatMap((path) => readFileSync(path, "utf8").split("\n"));

describe("parseCommonLine", () => {
  test("reads every recorded line it reads as the general path does", () => {
    let read = 0;
    for (const line of LINES) {
      const common = parseCommonLine(line);
      if (common === undefined) continue;
      read++;
      expect(common, line).toEqual(parseAnyLine(line));
    }
    expect(read).toBeGreaterThan(LINES.length / 4);
  });

  const token = fc.constantFrom(
    "(", ")", "[", "]", "{", "}", "<", ">", '"', "\\", " = ", "  = ", "= ?", "?", ", ", "/*", "*/", " <unfinished ...>",
    "<unfinished ...>", "<... read resumed>", "<... ", " resumed>", "12 ", "12  ", "read", "_llseek", "0read", "-1 ",
    "-1 ENOENT", " (No such file)", " (INJECTED)", " (DELAYED)", "(errno 512)", "0x", "0x1f", "7", "-", " <0.000012>",
    "3</a>", "\r", "\x1b[1m", " ", "<detached ...>", " <pid changed to 5 ...>", "<TCP:[1->2]>", "[  59] ",
    "12:00:00.1 ", "1700000000 ", "(+ 0.000012) ", "[12345678] ", "[1234567812345678] ", "[?] ", "\u00e9", "\x00",
    '\\\\"', '"\\\\"', '"a\\"b"', "5</usr/lib/x86_64-linux-gnu/libc.so.6>", "0</dev/pts/0<char 136:0>>",
    "3</tmp/with\\76gt\\74lt and more>", "</a/long/path/that/ends/here\\",
  );
  const soup = fc.array(token, { maxLength: 30 }).map((tokens) => tokens.join(""));
  const callShaped = fc
    .tuple(
      fc.constantFrom("", "12 ", "12  ", "[pid 12] ", "1<x> ", "12 12:00:00.000001 ", "12 1.5 [  59] ", "12 [00007fab12345678] ", "12 [ 1] [????????] "),
      fc.constantFrom("read(", "<... read resumed>", "_llseek(", "x("),
      soup,
      fc.constantFrom(")", ") ", ")   ", ""),
      fc.constantFrom(" = ", "= ", " ="),
      fc.constantFrom("0", "-1", "0x1f", "0X1F", "-0x2", "?", "-1 EAGAIN", "-1 E", "12a", "", " 3"),
      fc.constantFrom("", "</a>", "<TCP:[1->2]>", "</a", " (Timeout)", " (x) (INJECTED)", " (DELAYED)", " <0.1>", "</a> <0.1>", " (x) <0.1>", "<detached ...>", "\r", " (", "x"),
    )
    .map((parts) => parts.join(""));
  const line = fc.oneof(soup, callShaped);

  test.each([
    '12 read(3</usr/lib/x86_64-linux-gnu/libc.so.6>, "x", 1) = 1',
    '12 read(3</tmp/a\\>b), c>, "x", 1) = 1',
    '12 read(3</tmp/a\\\\>, "x", 1) = 1',
    '12 read(0</dev/pts/0<char 136:0>>, "x", 1) = 1',
    '12 openat(AT_FDCWD</srv/a long directory\\76name>, "f", O_RDONLY) = 3</srv/a long directory\\76name/f>',
  ])("reads a line with path decorations (escapes, nested, past 16 bytes) as the general path does: %s", (line) => {
    expect(parseCommonLine(line), line).toEqual(parseAnyLine(line));
    expect(parseCommonLine(line)).toBeDefined();
  });

  test("on strace-like token soup", () => {
    fc.assert(
      fc.property(line, (line) => {
        const common = parseCommonLine(line);
        if (common !== undefined) expect(common).toEqual(parseAnyLine(line));
      }),
      { numRuns: 20000 },
    );
  });

  /** A shape's indexes from `offset` on, so a line scanned at `offset` of a text compares with one scanned alone. */
  function shifted(shape: CommonLineShape, offset: number): CommonLineShape {
    const at = (i: number) => (i < 0 ? i : i - offset);
    const { nameStart, nameEnd, argsStart, argsEnd, resultStart, resultEnd } = shape;
    return { ...shape, nameStart: at(nameStart), nameEnd: at(nameEnd), argsStart: at(argsStart), argsEnd: at(argsEnd), resultStart: at(resultStart), resultEnd: at(resultEnd) };
  }

  test("scans a text of many lines as it scans each alone", () => {
    const inText = new CommonLineScanner();
    const alone = new CommonLineScanner();
    fc.assert(
      fc.property(fc.array(line.filter((l) => !l.includes("\n")), { minLength: 1, maxLength: 12 }), fc.boolean(), (lines, lastLf) => {
        const text = lines.join("\n") + (lastLf ? "\n" : "");
        if (!inText.load(text)) return;
        const shape = commonLineShape();
        const single = commonLineShape();
        let start = 0;
        let index = 0;
        for (const scanned = inText.scan(0); index < scanned; index++) {
          const line = lines[index] as string;
          expect(inText.end(index), line).toBe(start + line.length);
          const common = recordShape(inText.scanned, index, shape);
          expect(common, line).toBe(alone.scanOne(line, single));
          if (common) expect(shifted(shape, start), line).toEqual(single);
          start += line.length + 1;
        }
        // An empty last line without its LF is no line.
        expect(index).toBe(!lastLf && lines.at(-1) === "" ? lines.length - 1 : lines.length);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("CommonLineScanner's numbers for names", () => {
  /** The number of `name` in a call's line, or a resumed call's. */
  const numberOf = (scanner: CommonLineScanner, name: string, resumed = false): number => {
    const shape = commonLineShape();
    expect(scanner.scanOne(resumed ? `1 <... ${name} resumed>) = 0` : `1 ${name}(0) = 0`, shape), name).toBe(true);
    return shape.nameId;
  };

  test("are equal for equal names only, and none past 32 bytes", () => {
    // Few letters and shared 16-byte prefixes: names that repeat, or differ in one byte on either side of byte 16.
    const name = fc
      .tuple(fc.constantFrom("", "rt_sigprocmask__", "a"), fc.constantFrom("a", "b", "_"), fc.string({ unit: fc.constantFrom("a", "b", "_", "9"), maxLength: 24 }))
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.boolean()), { minLength: 1, maxLength: 40 }), (lines) => {
        const scanner = new CommonLineScanner();
        const named = new Map<number, string>();
        const names = lines.map(([name]) => name);
        for (const [name, resumed] of lines) {
          const number = numberOf(scanner, name, resumed);
          if (name.length > 32) {
            expect(number, name).toBe(-1);
            continue;
          }
          expect(named.get(number) ?? name, name).toBe(name);
          named.set(number, name);
        }
        expect([...named.keys()].sort((a, b) => a - b)).toEqual([...new Set(names.filter((n) => n.length <= 32))].map((_, i) => i));
      }),
      { numRuns: 2000 },
    );
  });

  test("number the first 1024 names in order of first sight, and no more", () => {
    const scanner = new CommonLineScanner();
    // Half share their first 16 bytes: only their last bytes tell them apart in a full table.
    const names = Array.from({ length: 1100 }, (_, i) => (i % 2 === 0 ? `call_${i}` : `the_same_16bytes${i}`));
    expect(names.map((name) => numberOf(scanner, name))).toEqual(names.map((_, i) => (i < 1024 ? i : -1)));
    expect(names.map((name) => numberOf(scanner, name, true))).toEqual(names.map((_, i) => (i < 1024 ? i : -1)));
  });
});
