/**
 * A parser counting calls into a tally (the fast path for common lines) counts
 * what its events would: same calls, same unparsed lines, whatever the lines.
 * One given the calls whose events are read (`detailed`) emits brief events
 * for the others in their place, and the same events besides.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { SyscallEvent, TraceEvent } from "../../src/events/types.js";
import { StraceParser, type ArgsTest, type DetailedCalls } from "../../src/parse/parser.js";
import { CallCensus } from "../../src/policy/from-events.js";
import { SECCOMP_DECODED_KINDS } from "../../src/seccomp/generate.js";

function read(lines: readonly string[], tallied: boolean) {
  const census = new CallCensus();
  const parser = new StraceParser({ file: "t", decode: SECCOMP_DECODED_KINDS, tally: tallied ? census : undefined });
  const out: TraceEvent[] = [];
  // The tallying parser reads the bytes of the lines at once, as those of a chunk of a file.
  if (tallied) parser.lines(Buffer.from(lines.map((line) => `${line}\n`).join("")), 1, out);
  else lines.forEach((line, i) => parser.line(line, i + 1, out));
  parser.end(out);
  census.addAll(out);
  return { policy: census.policy(), others: out.filter((event) => event.kind !== "syscall") };
}

const pid = fc.constantFrom(
  "100 ",
  "101 ",
  "102  ",
  "[pid 103] ",
  "",
  "100 12:00:00.000001 ",
  "101 1700000000.000001 [   0] ",
  "100 [ 257] [00007fab12345678] ",
  "101 [   1] ",
  "102 [????????????????] ",
);
const name = fc.constantFrom("read", "openat", "clone", "socket", "mmap2", "syscall_0x1c3", "frobnicate", "vfork", "execve");
const args = fc.constantFrom("3, \"a)b\", 8", "AF_INET, SOCK_STREAM, 0", "child_stack=NULL, flags=CLONE_VM|SIGCHLD", "", "[1, 2]", "\"caf\u00e9\", 5", "\x1b[1m3\x1b[0m", "\x1b[0m]");
const result = fc.constantFrom(
  " = 0",
  " = 101",
  " = -1 ENOENT (No such file or directory)",
  " = ?",
  " = 3</x>",
  " = 0 <0.000012>",
  " = 3</x> <0.000012>",
  " = -1 EAGAIN (Resource temporarily unavailable) <0.1>",
  " = 0 (Timeout) (INJECTED)",
  " = 3<detached ...>",
  "",
);
const line = fc.oneof(
  fc.tuple(pid, name, args, result).map(([p, n, a, r]) => `${p}${n}(${a})${r}`),
  fc.tuple(pid, name, args).map(([p, n, a]) => `${p}${n}(${a} <unfinished ...>`),
  fc.tuple(pid, name, args, result).map(([p, n, a, r]) => `${p}<... ${n} resumed>${a})${r}`),
  fc.tuple(pid, fc.constantFrom("+++ exited with 0 +++", "--- SIGCHLD {si_signo=SIGCHLD} ---", "[ Process PID=101 runs in 32 bit mode. ]")).map(
    ([p, rest]) => `${p}${rest}`,
  ),
);

describe("StraceParser with a tally", () => {
  test("counts the calls its events would count, and emits the same other events", () =>
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        expect(read(lines, true)).toEqual(read(lines, false));
      }),
      { numRuns: 3000 },
    ));
});

/** openat and execve, and a socket of another family than AF_INET (as strace prints it: some other lines make events anyway). */
const DETAILED: DetailedCalls = new Map<string, ArgsTest | undefined>([
  ["openat", undefined],
  ["socket", (bytes, start, end) => !Buffer.from(bytes.subarray(start, end)).toString("latin1").startsWith("AF_INET,")],
  ["execve", undefined],
]);

function isDetailed(event: SyscallEvent): boolean {
  if (!DETAILED.has(event.name)) return false;
  const test = DETAILED.get(event.name);
  const args = Buffer.from(event.rawArgs, "latin1");
  return test === undefined || test(args, 0, args.length);
}

/** Events with each call of others than DETAILED's as a brief event, but those after a process's first since its start or exit. */
function briefly(events: readonly TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const briefed = new Set<number>();
  for (const event of events) {
    if (event.kind === "exit") briefed.delete(event.pid);
    if (event.kind !== "brief" && !(event.kind === "syscall" && !isDetailed(event))) out.push(event);
    else if (!briefed.has(event.pid)) out.push({ kind: "brief", pid: event.pid, pos: event.pos });
    if (event.kind === "brief" || event.kind === "syscall") briefed.add(event.pid);
  }
  return out;
}

describe("StraceParser with detailed calls", () => {
  test("emits brief events for the other calls in their place, and the same events besides", () =>
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.nat(40), (lines, cut) => {
        const all: TraceEvent[] = [];
        const full = new StraceParser({ file: "t" });
        lines.forEach((text, i) => full.line(text, i + 1, all));
        full.end(all);
        const brief: TraceEvent[] = [];
        const parser = new StraceParser({ file: "t", detailed: DETAILED });
        // In two runs: a run with a `--color` escape is read on the general path, and calls cross runs.
        const run = (from: number, to: number) => Buffer.from(lines.slice(from, to).map((text) => `${text}\n`).join(""));
        const at = Math.min(cut, lines.length);
        parser.lines(run(0, at), 1, brief);
        parser.lines(run(at, lines.length), at + 1, brief);
        parser.end(brief);
        // A call the general path reads has its event even when not detailed.
        expect(briefly(brief)).toEqual(briefly(all));
      }),
      { numRuns: 3000 },
    ));

  test("a call judged by its arguments before <unfinished ...> stays brief when it resumes on the general path", () => {
    const out: TraceEvent[] = [];
    const parser = new StraceParser({ file: "t", pid: 1, detailed: DETAILED });
    parser.lines(Buffer.from("100 socket(AF_INET, SOCK_STREAM, 0 <unfinished ...>\n"), 1, out);
    // The `--color` escape sends this run's lines to the general path.
    parser.lines(Buffer.from('100 <... socket resumed>) = 3\n101 write(1, "\x1b[0m", 4) = 4\n'), 2, out);
    parser.end(out);
    expect(out).toEqual([
      { kind: "brief", pid: 100, pos: { file: "t", line: 1 } },
      expect.objectContaining({ kind: "syscall", pid: 101, name: "write" }),
    ]);
  });

  test("a process's other calls are one brief event at the first, and again after it exits", () => {
    const out: TraceEvent[] = [];
    // With a default pid, the parser does not wait for the first line's pid before reading lines on the fast path.
    const parser = new StraceParser({ file: "t", pid: 1, detailed: DETAILED });
    parser.lines(
      Buffer.from(["100 read(3, \"\", 8) = 0", "100 close(3) = 0", "101 brk(NULL) = 0x1", "101 openat(AT_FDCWD, \"/x\", O_RDONLY) = 3", "101 close(3) = 0", "100 +++ exited with 0 +++", "100 brk(NULL) = 0x1", ""].join("\n")),
      1,
      out,
    );
    expect(out.map((event) => (event.kind === "syscall" ? event.name : event))).toEqual([
      { kind: "brief", pid: 100, pos: { file: "t", line: 1 } },
      { kind: "brief", pid: 101, pos: { file: "t", line: 3 } },
      "openat",
      { kind: "exit", pid: 100, how: { exited: 0 }, pos: { file: "t", line: 6 } },
      { kind: "brief", pid: 100, pos: { file: "t", line: 7 } },
    ]);
  });
});

describe("StraceParser with a tally and detailed calls", () => {
  test("counts what a tally alone counts, and emits what detailed calls alone emit", () =>
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.nat(40), (lines, cut) => {
        const run = (from: number, to: number) => Buffer.from(lines.slice(from, to).map((text) => `${text}\n`).join(""));
        const at = Math.min(cut, lines.length);
        const read = (options: { tally?: CallCensus; detailed?: DetailedCalls }) => {
          const parser = new StraceParser({ file: "t", decode: SECCOMP_DECODED_KINDS, ...options });
          const out: TraceEvent[] = [];
          parser.lines(run(0, at), 1, out);
          parser.lines(run(at, lines.length), at + 1, out);
          parser.end(out);
          return { out, summarized: parser.summarized };
        };
        const alone = new CallCensus();
        const tallied = read({ tally: alone });
        alone.addAll(tallied.out);
        const both = new CallCensus();
        const read2 = read({ tally: both, detailed: DETAILED });
        expect(both.policy()).toEqual(alone.policy());
        expect(briefly(read2.out)).toEqual(briefly(read({ detailed: DETAILED }).out));
      }),
      { numRuns: 3000 },
    ));
});
