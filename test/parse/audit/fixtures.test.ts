import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AppArmorEvent, AuditEvent, SyscallEvent } from "../../../src/events/types.js";
import { parseAuditText, type AuditFilter } from "../../../src/parse/audit/index.js";

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/audit/${name}`, import.meta.url), "utf8");
}

function parse(name: string, filter?: AuditFilter): AuditEvent[] {
  return parseAuditText(fixture(name), { file: name, filter });
}

/** Sorted distinct syscall names per arch. */
function syscallsByArch(events: readonly AuditEvent[]): Record<string, string[]> {
  const byArch: Record<string, Set<string>> = {};
  for (const e of events) if (e.kind === "syscall") (byArch[e.arch] ??= new Set()).add(e.name);
  return Object.fromEntries(Object.entries(byArch).map(([arch, names]) => [arch, [...names].sort()]));
}

function kinds(events: readonly AuditEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

function apparmor(events: readonly AuditEvent[]): AppArmorEvent[] {
  return events.filter((e): e is AppArmorEvent => e.kind === "apparmor");
}

describe("real kernel captures (runc, SCMP_ACT_LOG)", () => {
  it("dmesg: x86_64 and i386 calls, each a syscall event with pid, number and file:line", () => {
    const events = parse("runc-i386-dmesg.txt");
    expect(kinds(events)).toEqual({ syscall: 15 });
    expect(syscallsByArch(events)).toEqual({
      x86_64: ["epoll_ctl", "fstatfs", "getegid", "geteuid", "getgid", "getppid", "getuid", "uname"],
      x86: ["getppid", "getuid32"],
    });
    const i386 = events.filter((e): e is SyscallEvent => e.kind === "syscall" && e.arch === "x86");
    expect(i386.map((e) => [e.name, e.nr])).toEqual([
      ["getppid", 64],
      ["getuid32", 199],
    ]);
    const first = events[0] as SyscallEvent;
    expect(first).toMatchObject({ kind: "syscall", arch: "x86_64", name: "epoll_ctl", nr: 233, rawArgs: "", decoded: undefined });
    expect(first.outcome).toEqual({ kind: "unknown" });
    expect(first.pos).toEqual({ file: "runc-i386-dmesg.txt", line: 1 });
    expect(i386[0]?.pid).toBe(i386[1]?.pid);
  });

  it("filtered to the workload: runc's own records and the shell's left out", () => {
    expect(syscallsByArch(parse("runc-i386-dmesg.txt", { exe: ["/p32"] }))).toEqual({ x86: ["getppid", "getuid32"] });
    expect(syscallsByArch(parse("runc-i386-dmesg.txt", { comm: ["runc:[2:INIT]"] }))).toEqual({ x86_64: ["epoll_ctl", "fstatfs"] });
  });

  it("dmesg -r: priority prefixes, and the records printk's rate limit suppressed", () => {
    const events = parse("runc-busybox-dmesg-raw.txt");
    expect(kinds(events)).toEqual({ syscall: 35, "audit-loss": 4 });
    const lost = events.flatMap((e) => (e.kind === "audit-loss" ? [e.count] : []));
    expect(lost).toEqual([112, 50, 58, 51]);
    expect(syscallsByArch(events)).toEqual({
      x86_64: [
        "clone", "close", "dup2", "epoll_ctl", "exit_group", "fcntl", "fstatfs", "getdents64", "getpid", "openat",
        "rt_sigreturn", "set_robust_list", "wait4", "write",
      ],
    });
  });
});

describe("audit.log (auditd)", () => {
  const events = parse("auditd-seccomp.log");

  it("reads SECCOMP records per arch, x32 by the number's x32 bit, hex-encoded comm and exe", () => {
    expect(syscallsByArch(events)).toEqual({
      x86_64: ["bind", "getpid", "ptrace"],
      x32: ["write"],
      x86: ["getuid32"],
      aarch64: ["getpid"],
    });
    const x32 = events.find((e) => e.kind === "syscall" && e.arch === "x32");
    expect(x32).toMatchObject({ pid: 1250, nr: 0x40000001, pos: { line: 6 } });
  });

  it("reports the other record types auditd writes, and refuses what it cannot resolve with a reason", () => {
    const others = events.flatMap((e) => (e.kind === "audit-other" ? [e.recordType] : []));
    expect(others).toEqual(["DAEMON_START", "SYSCALL", "PROCTITLE"]);
    const unparsed = events.flatMap((e) => (e.kind === "unparsed" ? [[e.pos.line, e.reason]] : []));
    expect(unparsed).toEqual([
      [9, "seccomp record of an unknown arch (arch=c00000f3 syscall=172)"],
      [10, "seccomp record of syscall 999, which x86_64 does not have"],
      [11, "seccomp record without a syscall= number"],
    ]);
  });

  it("filters by comm, exe (hex-decoded), pid and AppArmor label (subj=, subj_apparmor=)", () => {
    const names = (filter: AuditFilter): string[] =>
      parse("auditd-seccomp.log", filter).flatMap((e) => (e.kind === "syscall" ? [`${e.arch}:${e.name}`] : []));
    expect(names({ comm: ["nginx"] })).toEqual(["x86_64:bind"]);
    expect(names({ comm: ["my worker"] })).toEqual(["x32:write"]);
    expect(names({ exe: ["/opt/my app/worker", "/usr/bin/python3.11"] })).toEqual(["x86_64:ptrace", "x32:write"]);
    expect(names({ pid: [1260, 1270] })).toEqual(["x86:getuid32", "aarch64:getpid"]);
    expect(names({ profile: ["docker-default"] })).toEqual(["x86_64:bind"]);
    expect(names({ profile: ["stacked-profile"] })).toEqual(["x86_64:getpid"]);
    expect(names({ comm: ["nginx"], pid: [1] })).toEqual([]);
  });

  it("gives no event for other processes' records, unreadable ones included; other record types stay", () => {
    const filtered = parse("auditd-seccomp.log", { comm: ["python3"] });
    expect(kinds(filtered)).toEqual({ "audit-other": 3, syscall: 1 });
  });
});

describe("journalctl and syslog lines", () => {
  it("read the kernel's records after any syslog prefix", () => {
    const events = parse("journal-seccomp.txt");
    expect(syscallsByArch(events)).toEqual({ x86_64: ["clone3", "fork", "pipe2", "wait4"] });
    expect(events.filter((e) => e.kind === "audit-loss")).toMatchObject([{ count: 7, pos: { line: 4 } }]);
    expect(events.filter((e) => e.kind === "unparsed").map((e) => e.pos.line)).toEqual([1, 7]);
  });
});

describe("dmesg shapes", () => {
  const events = parse("dmesg-forms.txt");

  it("read records with -T and -r prefixes, with and without the audit(…) stamp, across CRLF", () => {
    expect(syscallsByArch(events)).toEqual({ x86_64: ["madvise", "membarrier", "prlimit64"] });
    expect(events.find((e) => e.kind === "syscall" && e.name === "membarrier")?.pos.line).toBe(8);
  });

  it("report lost records, other record types and non-audit lines", () => {
    expect(events.filter((e) => e.kind === "audit-loss").map((e) => (e.kind === "audit-loss" ? e.count : 0))).toEqual([3, undefined]);
    expect(events.filter((e) => e.kind === "audit-other")).toMatchObject([{ recordType: "2000", pos: { line: 3 } }]);
    const unparsed = events.flatMap((e) => (e.kind === "unparsed" ? [[e.pos.line, e.reason, e.text.endsWith("\r")]] : []));
    expect(unparsed).toEqual([
      [1, "not an audit record", false],
      [2, "an audit message that is not a record", false],
      [9, "not an audit record", false],
    ]);
  });
});

describe("AppArmor records", () => {
  it("upstream samples: every access class, hex names and profiles, every envelope", () => {
    const events = parse("apparmor-upstream.log");
    expect(kinds(events)).toEqual({ apparmor: 18 });
    const [renameDest, filePerm, , , disconnected, cap] = apparmor(events);
    expect(renameDest).toMatchObject({
      verdict: "ALLOWED",
      operation: "rename_dest",
      profile: "/usr/sbin/httpd2-prefork//vhost_foo",
      pid: 20143,
      comm: "httpd2-prefork",
      access: { what: "file", path: "/home/www/foo.bar.in/httpdocs/apparmor/images/test/image 1.jpg", requested: "wc", fsuid: 30, ouid: 30 },
    });
    expect(filePerm?.profile).toBe("foo bar");
    expect(disconnected).toMatchObject({
      info: "Failed name lookup - disconnected path",
      access: { what: "file", path: "var/run/nscd/passwd", requested: "r" },
    });
    expect(renameDest?.info).toBeUndefined();
    expect(cap).toMatchObject({ verdict: "DENIED", access: { what: "capability", capability: 23, name: "sys_nice" } });
    const byLine = (line: number): AppArmorEvent | undefined => apparmor(events).find((e) => e.pos.line === line);
    expect(byLine(9)).toMatchObject({ operation: "dbus_method_call", comm: undefined, access: { what: "other", class: undefined } });
    expect(byLine(10)?.access.what).toBe("other");
    expect(byLine(11)?.access).toMatchObject({ what: "other", class: "posix_mqueue" });
    expect(byLine(12)?.access).toEqual({
      what: "network",
      family: "inet",
      sockType: "stream",
      protocol: 6,
      requested: undefined,
      denied: undefined,
      local: "192.168.66.150:765",
      remote: "192.168.66.200:2049",
      peer: undefined,
    });
    expect(byLine(13)?.access).toEqual({ what: "ptrace", requested: "tracedby", peer: "/home/ubuntu/bzr/apparmor/tests/regression/apparmor/ptrace" });
    expect(byLine(14)?.access).toEqual({
      what: "signal",
      requested: "send",
      signal: "term",
      peer: "/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper",
    });
    expect(byLine(15)?.access).toMatchObject({
      what: "network",
      family: "unix",
      requested: "send receive connect",
      local: undefined,
      remote: "@test_abstract_socket",
      peer: "/home/user/test/server.py",
    });
    expect(byLine(16)).toMatchObject({ verdict: "AUDIT", access: { what: "other", class: "namespace" } });
    expect(byLine(17)?.access).toMatchObject({ what: "file", path: undefined, requested: "wr" });
    expect(byLine(18)?.access).toMatchObject({ what: "other", class: "file" });
  });

  it("complain-mode records of one profile: file, hex path, exec, capability, network, status, old format", () => {
    const events = parse("apparmor-handwritten.log");
    const access = apparmor(events).map((e) => [e.pos.line, e.verdict, e.operation, e.access.what]);
    expect(access).toEqual([
      [1, "ALLOWED", "open", "file"],
      [2, "ALLOWED", "mknod", "file"],
      [3, "ALLOWED", "exec", "file"],
      [4, "ALLOWED", "capable", "capability"],
      [5, "ALLOWED", "create", "network"],
      [6, "STATUS", "profile_load", "other"],
      [7, "DENIED", "inode_permission", "file"],
    ]);
    const [open, mknod, exec] = apparmor(events);
    expect(open?.access).toEqual({ what: "file", path: "/etc/shadow", requested: "r", denied: "r", target: undefined, fsuid: 0, ouid: 0 });
    expect(mknod?.access).toMatchObject({ path: "/tmp/a b c" });
    expect(exec?.access).toMatchObject({ path: "/usr/bin/python3.11", requested: "x", target: "myapp//null-/usr/bin/python3.11" });
    expect(events.find((e) => e.pos.line === 8)).toEqual({ kind: "audit-other", recordType: "AVC", pos: { file: "apparmor-handwritten.log", line: 8 } });
    expect(events.flatMap((e) => (e.kind === "unparsed" ? [[e.pos.line, e.reason]] : []))).toEqual([
      [9, 'AppArmor record with an unknown apparmor="MAYBE"'],
      [10, "AppArmor record without an operation="],
    ]);
  });

  it("filters by profile (and its children), comm and pid", () => {
    const lines = (filter: AuditFilter): number[] => apparmor(parse("apparmor-upstream.log", filter)).map((e) => e.pos.line);
    expect(lines({ profile: ["/usr/sbin/httpd2-prefork"] })).toEqual([1]);
    expect(lines({ profile: ["/usr/sbin/httpd2-prefork//vhost_foo", "firefox"] })).toEqual([1, 17]);
    expect(lines({ comm: ["ls", "bash"] })).toEqual([2, 4]);
    expect(lines({ pid: [7292] })).toEqual([6, 7]);
    expect(lines({ exe: ["/bin/ls"] })).toEqual([]);
  });
});
