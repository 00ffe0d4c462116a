import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { TraceEvent } from "../../src/events/types.js";
import { InputError } from "../../src/errors.js";
import { readTraces, unparsedWarning, type ReadTracesOptions } from "../../src/parse/index.js";
import { auditMessages } from "../../src/parse/read-traces.js";
import { runIn } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "profilesmith-read-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNC_I386 = join(import.meta.dirname, "../fixtures/audit/runc-i386-dmesg.txt");

function file(name: string, content: string): string {
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

const record = (pid: number, arch: string, nr: number) =>
  `audit: type=1326 audit(1795527154.811:1): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=${pid} comm="app" exe="/app" sig=0 arch=${arch} syscall=${nr} compat=0 ip=0x46e5d8 code=0x7ffc0000`;
const APPARMOR =
  'audit: type=1400 audit(1795527154.811:2): apparmor="ALLOWED" operation="open" profile="app" name="/etc/hosts" pid=7 comm="app" requested_mask="r" denied_mask="r" fsuid=0 ouid=0';

/** A dmesg dump: boot lines, seccomp records, an AppArmor record, the kernel's notes of dropped records. */
const DMESG = [
  "[    0.000000] Linux version 6.1.0-56-amd64",
  `[    1.000000] ${record(7, "c000003e", 39)}`,
  "[    1.100000] eth0: link up",
  `[    1.200000] ${APPARMOR}`,
  "[    6.000000] kauditd_printk_skb: 12 callbacks suppressed",
  `[    6.100000] ${record(7, "40000003", 20)}`,
  "[    6.200000] audit: rate limit exceeded",
  "",
].join("\n");

describe("readTraces on kernel audit logs", () => {
  test("the seccomp records of a real runc capture are syscall events on each record's ABI", async () => {
    const { events, report } = await readAll([RUNC_I386]);
    const calls = events.map((e) => (e.kind === "syscall" ? `${e.arch} ${e.pid} ${e.name} :${e.pos.line}` : e.kind));
    expect(calls).toHaveLength(15);
    expect(calls.slice(0, 3)).toEqual(["x86_64 6209 epoll_ctl :1", "x86_64 6209 fstatfs :2", "x86_64 6209 getuid :3"]);
    expect(calls.slice(8, 10)).toEqual(["x86 6250 getppid :9", "x86 6250 getuid32 :10"]);
    expect(report).toMatchObject({ lines: 15, syscalls: 15, unparsed: 0 });
    expect(report.audit).toEqual({
      logs: [RUNC_I386],
      seccompRecords: 15,
      appArmorRecords: 0,
      lossNotes: 0,
      firstLoss: undefined,
      lostRecords: 0,
      lossNotesUncounted: 0,
      otherLines: 0,
    });
    expect(auditMessages(report)).toEqual({
      warnings: [],
      notes: [`${RUNC_I386} read as kernel audit log(s): 15 seccomp record(s) (they carry no arguments), 0 other kernel line(s) skipped`],
    });
  });

  test("a dmesg dump: other kernel lines are counted (and pass --strict), AppArmor records and dropped records reported", async () => {
    const dmesg = file("dmesg.txt", DMESG);
    const { events, report } = await readAll([dmesg], { strict: true });
    expect(events.map((e) => (e.kind === "syscall" ? [e.arch, e.name, e.pos.line] : e.kind))).toEqual([
      ["x86_64", "getpid", 2],
      ["x86", "getpid", 6],
    ]);
    expect(report.unparsed).toBe(0);
    expect(report.audit).toMatchObject({
      appArmorRecords: 1,
      lossNotes: 2,
      firstLoss: { file: dmesg, line: 5 },
      lostRecords: 12,
      lossNotesUncounted: 1,
      otherLines: 2,
    });
    expect(auditMessages(report)).toEqual({
      warnings: [
        `the kernel dropped at least 12 record(s): the log is incomplete (2 note(s) of dropped records, the first at ${dmesg}:5); calls only they showed are missing`,
      ],
      notes: [
        `${dmesg} read as kernel audit log(s): 2 seccomp record(s) (they carry no arguments), 2 other kernel line(s) skipped`,
        "1 AppArmor record(s): profilesmith apparmor and verify --apparmor read them (seccomp ones skip them: they are not system calls)",
      ],
    });
  });

  test("a record that cannot be read is unparsed: a warning, an InputError under --strict", async () => {
    const bad = file("bad.txt", `${record(7, "c000003e", 39)}\n${record(7, "c00000f3", 39)}\n`);
    const { events, report } = await readAll([bad]);
    expect(events.map((e) => e.kind)).toEqual(["syscall", "unparsed"]);
    expect(unparsedWarning(report)).toContain(`${bad}:2 (seccomp record of an unknown arch (arch=c00000f3 syscall=39))`);
    const error = await readAll([bad], { strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      `${bad}:2: seccomp record of an unknown arch (arch=c00000f3 syscall=39) (--strict: 1 line(s) not understood)`,
    );
  });

  test("detection is per input and survives chunks split anywhere; strace inputs merge with audit logs", async () => {
    const trace = file("app.strace", "100 getppid() = 1\n");
    const text = readFileSync(RUNC_I386, "utf8");
    async function* stdin() {
      for (let at = 0; at < text.length; at += 7) yield Buffer.from(text.slice(at, at + 7));
    }
    const { events, report } = await readAll([trace, "-"], { stdin: stdin() });
    expect(events[0]).toMatchObject({ kind: "syscall", name: "getppid", pos: { file: trace, line: 1 } });
    expect(events.slice(1).every((e) => e.kind === "syscall" && e.pos.file === "<stdin>")).toBe(true);
    expect(events).toHaveLength(16);
    expect(report.audit.logs).toEqual(["<stdin>"]);
    expect(auditMessages((await readAll([trace])).report)).toEqual({ warnings: [], notes: [] });
  });
});

/** The calls of runc-i386-dmesg.txt as strace would have shown them. */
const RUNC_I386_AS_STRACE = [
  "6209 epoll_ctl(3, EPOLL_CTL_ADD, 4, {}) = 0",
  "6209 fstatfs(3, {}) = 0",
  "6209 getuid() = 0",
  "6209 getppid() = 0",
  "6209 uname({}) = 0",
  "6209 getegid() = 0",
  "6209 getgid() = 0",
  "6209 geteuid() = 0",
  "6250 [ Process PID=6250 runs in 32 bit mode. ]",
  "6250 getppid() = 0",
  "6250 getuid32() = 0",
  "",
].join("\n");

describe("profilesmith seccomp and verify on a kernel log", () => {
  const run = (argv: string[]) => runIn(process.cwd(), argv, {});

  test("the profile of a real capture is the profile of the same calls traced by strace", async () => {
    const fromLog = await run(["seccomp", RUNC_I386]);
    expect(fromLog.code).toBe(0);
    expect(fromLog.err).toContain(`note: ${RUNC_I386} read as kernel audit log(s): 15 seccomp record(s)`);
    const fromStrace = await run(["seccomp", file("same.strace", RUNC_I386_AS_STRACE)]);
    expect(fromStrace.code).toBe(0);
    expect(fromLog.out).toBe(fromStrace.out);
    expect(fromLog.out).toContain('"SCMP_ARCH_X86"');
  });

  test("verify replays a kernel log against a profile", async () => {
    const profile = file("app.json", (await run(["seccomp", RUNC_I386])).out);
    const pass = await run(["verify", "--seccomp", profile, RUNC_I386]);
    expect(pass.code).toBe(0);
    expect(pass.err).toContain("read as kernel audit log(s)");
    const narrow = file("narrow.json", (await run(["seccomp", file("narrow.strace", "6209 getuid() = 0\n")])).out);
    const fail = await run(["verify", "--seccomp", narrow, RUNC_I386, "--json"]);
    expect(fail.code).toBe(1);
    const denied = (JSON.parse(fail.out) as { denied: { syscall: string; arch: string }[] }).denied;
    expect(denied.map((d) => `${d.arch} ${d.syscall}`).sort()).toEqual([
      "x86 getppid",
      "x86 getuid32",
      "x86_64 epoll_ctl",
      "x86_64 getegid",
      "x86_64 geteuid",
      "x86_64 getgid",
      "x86_64 uname",
    ]);
  });
});
