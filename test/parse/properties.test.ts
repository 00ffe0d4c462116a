/**
 * Laws of the parser: it never throws; a call rendered with any combination of
 * strace's prefix options parses back to the same event; the chunking of the
 * input does not change the events.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CallOutcome, SyscallEvent, TraceEvent } from "../../src/events/types.js";
import { parseStrace, parseStraceText } from "../../src/parse/index.js";
import { syscallNumber } from "../../src/syscalls/index.js";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function* chunks<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Lines of strace 6.1 output recorded on this machine, for mutation. */
const SAMPLE = [
  '10868 12:34:36.417516 [  59] [00007fd8cddadad7] execve("/usr/bin/sh", ["sh", "-c", "cd /tmp; cat /etc/hostname >/dev"...], 0x7ffe9ad88640 /* 35 vars */) = 0 <0.000200>',
  '10868 12:34:36.418118 [ 257] [00007fa2033f6b1d] openat(AT_FDCWD</tmp/ps>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache> <0.000011>',
  "10869 12:34:36.420230 [  59] [00007fa2032b2ad7] execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x556042e33dc8 /* 35 vars */ <unfinished ...>",
  "10869 12:34:36.420400 [  59] [00007fed9dcd7b70] <... execve resumed>) = 0 <0.000161>",
  "11196 connect(3, {sa_family=0x2, sin_port=\"\\x00\\x09\", sin_addr=\"\\x7f\\x00\\x00\\x01\"}, 16) = -1 ECONNREFUSED (Connection refused)",
  "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=10869, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---",
  "11227 +++ exited with 0 +++",
  'write(1, "h\\303\\251 \\342\\202\\254\\n", 7) = 7',
].join("\n");

describe("the parser never throws", () => {
  test("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        parseStraceText(text, { file: "t" });
      }),
      { numRuns: 1000 },
    );
  });

  test("on strace-like token soup and truncated or spliced real lines", () => {
    const token = fc.constantFrom(
      "(", ")", "[", "]", "{", "}", "<", ">", '"', "\\", " = ", "= ?", ", ", "/*", "*/", "<unfinished ...>",
      "<... read resumed>", "+++ ", "--- ", "[pid 12] ", "12 ", "read", "syscall_0x1c3", "-1 ENOENT (x)", "\r", "\n",
      "[ Process PID=1 runs in 32 bit mode. ]", "<pid changed to 3 ...>", "3</a>", "AT_FDCWD<", "0x", "|",
    );
    const soup = fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(""));
    const mangled = fc
      .tuple(fc.nat(SAMPLE.length), fc.nat(SAMPLE.length), fc.nat(SAMPLE.length))
      .map(([a, b, c]) => SAMPLE.slice(0, a) + SAMPLE.slice(Math.min(b, c), Math.max(b, c)));
    fc.assert(
      fc.property(fc.oneof(soup, mangled), fc.constantFrom("x86_64", "aarch64") as fc.Arbitrary<"x86_64" | "aarch64">, (text, native) => {
        parseStraceText(text, { file: "t", native });
      }),
      { numRuns: 3000 },
    );
  });

  test("on arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (bytes) => {
        await collect(parseStrace(chunks([bytes]), { file: "t" }));
      }),
      { numRuns: 300 },
    );
  });
});

interface GeneratedCall {
  readonly name: string;
  readonly args: readonly string[];
  readonly result: string;
  readonly outcome: CallOutcome;
  readonly injected: boolean;
}

/** Argument lists, as their top-level arguments. */
const ARGS = fc.constantFrom<readonly string[]>(
  [],
  ["NULL"],
  ["3", '"a) = b, \\"c\\""', "12"],
  ["AT_FDCWD</tmp/a b>", '"/etc/passwd"', "O_RDONLY|O_CLOEXEC"],
  ["3<TCP:[127.0.0.1:80->127.0.0.1:5000]>", '{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}', "16"],
  ['["sh", "-c", "x"]', "0x7ffe9ad88640 /* 35 vars */"],
  ["0x3 /* PROT_READ|PROT_WRITE */", "[{fd=3, events=POLLIN}]", "~[RTMIN RT_1]"],
  ['"\\177ELF\\2\\1"...', "832"],
);

const RESULTS: readonly (readonly [string, CallOutcome])[] = [
  ["= 0", { kind: "returned", value: "0" }],
  ["= 0x7f4b5aa82000", { kind: "returned", value: "0x7f4b5aa82000" }],
  ["= 3</etc/pass\\76wd (deleted)>", { kind: "returned", value: "3", decoration: "/etc/pass>wd (deleted)" }],
  ["= -1 ENOENT (No such file or directory)", { kind: "failed", errno: "ENOENT" }],
  ["= -1 (errno 512)", { kind: "failed", errno: "512" }],
  ["= ? ERESTARTSYS (To be restarted if SA_RESTART is set)", { kind: "interrupted", errno: "ERESTARTSYS" }],
  ["= ?", { kind: "unknown" }],
];

const CALL: fc.Arbitrary<GeneratedCall> = fc.record({
  name: fc.constantFrom("read", "openat", "connect", "execve", "mmap", "futex", "restart_syscall", "clone3"),
  args: ARGS,
  result: fc.constantFrom(...RESULTS.keys()),
  injected: fc.boolean(),
}).map(({ name, args, result, injected }) => {
  const [text, outcome] = RESULTS[result] as (typeof RESULTS)[number];
  return { name, args, result: injected ? `${text} (INJECTED)` : text, outcome, injected };
});

const PREFIX_OPTIONS = fc.record({
  pidStyle: fc.constantFrom("none", "file", "stderr", "comm"),
  pid: fc.integer({ min: 1, max: 4194304 }),
  absolute: fc.constantFrom("", "12:34:36 ", "12:34:36.417516 ", "1795524542.046808 ", "1795524542.046808879 "),
  relative: fc.boolean(),
  number: fc.boolean(),
  ip: fc.constantFrom("", "[00007fa2033f6b1d] ", "[f7f1b549] ", "[????????????????] "),
  duration: fc.boolean(),
  padding: fc.nat(40),
});

type PrefixOptions = typeof PREFIX_OPTIONS extends fc.Arbitrary<infer T> ? T : never;

function render(call: GeneratedCall, o: PrefixOptions, nr: number | undefined): string {
  const pid = { none: "", file: `${o.pid} `.padEnd(6), stderr: `[pid ${String(o.pid).padStart(5)}] `, comm: `${o.pid}<my prog> ` }[o.pidStyle];
  const relative = o.relative ? (o.absolute === "" ? "     0.000102 " : "(+     0.000102) ") : "";
  const number = o.number ? `[${String(nr).padStart(4)}] ` : "";
  const head = `${pid}${o.absolute}${relative}${number}${o.ip}${call.name}(${call.args.join(", ")})`;
  return `${head}${" ".repeat(o.padding)} ${call.result}${o.duration ? " <0.000012>" : ""}`;
}

describe("rendered calls parse back", () => {
  test("any combination of prefix options", () => {
    fc.assert(
      fc.property(CALL, PREFIX_OPTIONS, (call, options) => {
        const nr = syscallNumber("x86_64", call.name as Parameters<typeof syscallNumber>[1]);
        const events = parseStraceText(render(call, options, nr), { file: "t", pid: 7 });
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          kind: "syscall",
          pid: options.pidStyle === "none" ? 7 : options.pid,
          arch: "x86_64",
          name: call.name,
          nr,
          rawArgs: call.args.join(", "),
          outcome: call.outcome,
          injected: call.injected,
        } satisfies Partial<SyscallEvent>);
      }),
      { numRuns: 1000 },
    );
  });

  test("split into <unfinished ...> and <... resumed> around other processes' lines", () => {
    fc.assert(
      fc.property(CALL, fc.nat(), fc.array(fc.integer({ min: 2, max: 9 }), { maxLength: 4 }), (call, cut, others) => {
        const args = call.args;
        const at = cut % (args.length + 1);
        const first = args.slice(0, at).join(", ") + (at > 0 && at < args.length ? ", " : "");
        const rest = args.slice(at).join(", ");
        const lines = [
          `[pid     1] ${call.name}(${first} <unfinished ...>`,
          ...others.map((pid) => `[pid ${pid}] getpid() = ${pid}`),
          `[pid     1] <... ${call.name} resumed>${rest}) ${call.result}`,
        ];
        const events = parseStraceText(lines.join("\n"), { file: "t" }) as SyscallEvent[];
        const own = events.filter((e) => e.pid === 1);
        expect(own).toHaveLength(1);
        expect(own[0]).toMatchObject({ name: call.name, rawArgs: args.join(", "), outcome: call.outcome, pos: { line: 1 } });
        expect(events).toHaveLength(1 + others.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe("chunking does not change the events", () => {
  const text = `${SAMPLE}\r\n${SAMPLE.replaceAll("\n", "\r\n")}\nbroken line é €\n`;
  const bytes = new TextEncoder().encode(text);
  const expected: TraceEvent[] = parseStraceText(text, { file: "t" });

  test("split at any byte boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const pieces = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
        expect(await collect(parseStrace(chunks(pieces), { file: "t" }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test("in chunks larger than a text, around lines longer than one", async () => {
    const long = `7 write(1, "${"x".repeat(100_000)}"..., 100000) = 100000\n`;
    const large = `${text.repeat(300)}${long}${text.repeat(300)}é\n${long}`;
    const largeBytes = new TextEncoder().encode(large);
    const whole = parseStraceText(large, { file: "t" });
    for (const size of [65_536, 262_144, 1_000_003]) {
      const pieces = [];
      for (let at = 0; at < largeBytes.length; at += size) pieces.push(largeBytes.subarray(at, at + size));
      expect(await collect(parseStrace(chunks(pieces), { file: "t" }))).toEqual(whole);
    }
  });

  test("one byte at a time, and as strings", async () => {
    const single = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await collect(parseStrace(chunks(single), { file: "t" }))).toEqual(expected);
    expect(await collect(parseStrace(chunks([text.slice(0, 100), text.slice(100)]), { file: "t" }))).toEqual(expected);
  });
});
