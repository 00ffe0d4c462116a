import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { TraceEvent } from "../../src/events/types.js";
import { InputError } from "../../src/errors.js";
import { readTraces, unparsedWarning, type ReadTracesOptions } from "../../src/parse/index.js";
import { CallCensus } from "../../src/policy/from-events.js";

const dir = mkdtempSync(join(tmpdir(), "profilesmith-read-traces-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(paths: readonly string[], options: Partial<ReadTracesOptions> = {}) {
  const reading = readTraces(paths, { strict: false, ...options });
  const events: TraceEvent[] = [];
  for await (const event of reading.events) events.push(event);
  return { events, report: reading.report() };
}

async function refusal(paths: readonly string[], options: Partial<ReadTracesOptions> = {}): Promise<string> {
  const error = await readAll(paths, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).message;
}

const TRACE = '100 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3\n100 read(3,  <unfinished ...>\n101 getpid() = 101\n100 <... read resumed>"x", 1) = 1\n';

describe("readTraces", () => {
  test("reads the inputs one after another, with a report", async () => {
    const a = file("a.trace", TRACE);
    const b = file("b.trace", "brk(NULL) = 0x1\nnot strace\n");
    const { events, report } = await readAll([a, b]);
    expect(events.map((e) => [e.pos.file, e.pos.line, e.kind])).toEqual([
      [a, 1, "syscall"],
      [a, 3, "syscall"],
      [a, 2, "syscall"],
      [b, 1, "syscall"],
      [b, 2, "unparsed"],
    ]);
    expect(report).toEqual({
      lines: 6,
      syscalls: 4,
      unparsed: 1,
      firstUnparsed: [{ pos: { file: b, line: 2 }, reason: "not a strace line" }],
      audit: {
        logs: [],
        seccompRecords: 0,
        appArmorRecords: 0,
        lossNotes: 0,
        firstLoss: undefined,
        lostRecords: 0,
        lossNotesUncounted: 0,
        otherLines: 0,
      },
    });
    expect(unparsedWarning(report)).toBe(
      `warning: 1 line(s) not understood as strace output or audit records and skipped: ${b}:2 (not a strace line); --strict makes this an error`,
    );
    expect(unparsedWarning({ ...report, unparsed: 0, firstUnparsed: [] })).toBeUndefined();
  });

  test("reports the same lines and calls with calls counted or summarized instead of emitted, calls never resumed too", async () => {
    const path = file("summarized.trace", `${TRACE}101 read(4,  <unfinished ...>\n`);
    const { report } = await readAll([path]);
    expect(report).toMatchObject({ lines: 5, syscalls: 4 });
    const census = new CallCensus();
    expect((await readAll([path], { tally: census })).report).toEqual(report);
    expect((await readAll([path], { detailed: new Map([["openat", undefined]]) })).report).toEqual(report);
  });

  test("-ff files give their pid to unprefixed lines; - is stdin", async () => {
    const ff = file("trace.4321", "getpid() = 4321\n");
    async function* stdin() {
      yield Buffer.from("[pid 9] getpid() = 9\n");
    }
    const { events } = await readAll([ff, "-"], { stdin: stdin() });
    expect(events.map((e) => [e.pos.file, e.kind === "syscall" ? e.pid : -1])).toEqual([
      [ff, 4321],
      ["<stdin>", 9],
    ]);
  });

  test("eventFile names the events and the tally's files; the report and errors keep the path as given", async () => {
    const bad = file("named.trace", `${TRACE}not strace\n`);
    const census = new CallCensus();
    const { events, report } = await readAll([bad], { eventFile: (path) => `renamed:${path}`, tally: census, detailed: new Map([["openat", undefined]]) });
    expect(new Set(events.map((event) => event.pos.file))).toEqual(new Set([`renamed:${bad}`]));
    expect([...(census.data.get("x86_64")?.get("getpid")?.byFile.keys() ?? [])]).toEqual([`renamed:${bad}`]);
    expect(report.firstUnparsed.map((place) => place.pos)).toEqual([{ file: bad, line: 5 }]);
    expect(await refusal([bad], { strict: true, eventFile: (path) => `renamed:${path}` })).toMatch(new RegExp(`^${bad}:5: `));
  });

  test("--strict turns the first unparsed line into an InputError", async () => {
    const bad = file("bad.trace", "brk(NULL) = 0x1\nread(3, \"abc\"\n");
    expect(await refusal([bad], { strict: true })).toBe(
      `${bad}:2: call without closing parenthesis (truncated line?) (--strict: 1 line(s) not understood)`,
    );
  });

  test.each([
    ["empty.trace", "", "empty, not a strace log"],
    ["blank.trace", "\n  \n", "empty, not a strace log"],
    ["binary.trace", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 10]), ":1: binary data, not a strace log"],
    [
      "summary.trace",
      "% time     seconds  usecs/call     calls    errors syscall\n------ ----------- ----------- --------- --------- ----------------\n  0.00    0.000000           0         1           read\n",
      ":1: a strace -c summary table, not a trace (record with strace -f -o FILE, without -c)",
    ],
    ["prose.trace", "hello\nworld\n", ":1: not a strace log (no line of it reads as strace output)"],
  ])("refuses %s", async (name, content, reason) => {
    const path = file(name, content);
    const message = await refusal([path]);
    expect(message).toBe(reason.startsWith(":") ? `${path}${reason}` : `${path}: ${reason}`);
    expect(message).not.toContain("\n");
  });

  test("an unreadable input is an InputError naming it", async () => {
    const missing = join(dir, "missing.trace");
    expect(await refusal([missing])).toBe(`${missing}: cannot read (no such file)`);
    const empty = join(dir, "empty-ff");
    mkdirSync(empty);
    expect(await refusal([empty])).toBe(`${empty}: an empty folder, no strace -ff files in it`);
  });

  test("a folder is the -ff files in it, in pid order", async () => {
    const ff = join(dir, "ff");
    mkdirSync(ff);
    writeFileSync(join(ff, "trace.999"), "clone(child_stack=NULL, flags=SIGCHLD) = 1000\n");
    writeFileSync(join(ff, "trace.1000"), "getppid() = 999\n");
    writeFileSync(join(ff, "trace.20"), "getpid() = 20\n");
    const { events } = await readAll([ff]);
    expect(events.map((e) => (e.kind === "syscall" ? [e.pid, e.name, e.pos.file] : []))).toEqual([
      [20, "getpid", join(ff, "trace.20")],
      [999, "clone", join(ff, "trace.999")],
      [1000, "getppid", join(ff, "trace.1000")],
    ]);
  });
});
