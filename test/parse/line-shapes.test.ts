/**
 * One test per line shape of the issue. Lines are copied from strace 6.1 output
 * recorded on this machine unless marked "hand-written" (shapes strace 6.1
 * cannot produce, written from strace's documented format).
 */
import { describe, expect, test } from "vitest";
import type { SyscallEvent, TraceEvent } from "../../src/events/types.js";
import { parseStraceText } from "../../src/parse/index.js";
import type { StraceParseOptions } from "../../src/parse/index.js";

const FILE = "t.trace";

function parse(text: string, options: Partial<StraceParseOptions> = {}): TraceEvent[] {
  return parseStraceText(text, { file: FILE, ...options });
}

function calls(text: string, options: Partial<StraceParseOptions> = {}): SyscallEvent[] {
  const events = parse(text, options);
  expect(events.filter((e) => e.kind === "unparsed")).toEqual([]);
  return events.filter((e): e is SyscallEvent => e.kind === "syscall");
}

function only(text: string, options: Partial<StraceParseOptions> = {}): SyscallEvent {
  const found = calls(text, options);
  expect(found).toHaveLength(1);
  return found[0] as SyscallEvent;
}

describe("prefixes, in strace's order", () => {
  const body = 'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3';
  test.each([
    ["none", "", 0],
    ["-f to a file", "10868 ", 10868],
    ["-f padded", "123   ", 123],
    ["-f to stderr", "[pid  1234] ", 1234],
    ["-Y", "27662<sh> ", 27662],
    ["-Y to stderr (hand-written)", "[pid 27662<sh>] ", 27662],
    ["-t", "12:34:36 ", 0],
    ["-tt", "10868 12:34:36.417516 ", 10868],
    ["-ttt", "1795524542.046808 ", 0],
    ["--timestamps=unix,ns", "1795524542.046808879 ", 0],
    ["--timestamps=unix (hand-written)", "1795524542 ", 0],
    ["-r", "     0.000102 ", 0],
    ["-ttt -r", "1795524542.046808879 (+     0.000000) ", 0],
    ["-tt -r", "12:49:02.064550 (+     0.000234) ", 0],
    ["-n", "[ 257] ", 0],
    ["-i", "[00007fa2033f6b1d] ", 0],
    ["-i 32-bit (hand-written)", "[f7f1b549] ", 0],
    ["-i unknown", "[????????????????] ", 0],
    ["all", "10868 12:34:36.417516 [ 257] [00007fa2033f6b1d] ", 10868],
  ])("%s", (_, prefix, pid) => {
    const call = only(prefix + body);
    expect(call).toMatchObject({ pid, name: "openat", nr: 257, arch: "x86_64", outcome: { kind: "returned", value: "3" } });
    expect(call.rawArgs).toBe('AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC');
  });

  test("-ff files take the pid from the file name", () => {
    expect(only("brk(NULL) = 0x55f2051d5000", { pid: 4242 }).pid).toBe(4242);
  });

  test("--color escapes are ignored (hand-written)", () => {
    const call = only("\x1b[33m1234\x1b[0m \x1b[1mopenat\x1b[0m(AT_FDCWD, \x1b[32m\"/x\"\x1b[0m, O_RDONLY) = \x1b[36m3\x1b[0m");
    expect(call).toMatchObject({ pid: 1234, name: "openat", outcome: { kind: "returned", value: "3" } });
  });

  test("CRLF line ends", () => {
    expect(calls("brk(NULL) = 0x1\r\nbrk(NULL) = 0x2\r\n")).toHaveLength(2);
  });
});

describe("outcomes", () => {
  test.each([
    ["= 0x7fa2033cc000", { kind: "returned", value: "0x7fa2033cc000" }],
    ["= ?", { kind: "unknown" }],
    ["= -1 ENOENT (No such file or directory)", { kind: "failed", errno: "ENOENT" }],
    ["= -1 (errno 512)", { kind: "failed", errno: "512" }],
    ["= ? ERESTARTSYS (To be restarted if SA_RESTART is set)", { kind: "interrupted", errno: "ERESTARTSYS" }],
    ["= ? ERESTART_RESTARTBLOCK (Interrupted by signal)", { kind: "interrupted", errno: "ERESTART_RESTARTBLOCK" }],
    ["= 3</etc/passwd>", { kind: "returned", value: "3", decoration: "/etc/passwd" }],
    ["= 3</tmp/a\\76b (deleted)>", { kind: "returned", value: "3", decoration: "/tmp/a>b (deleted)" }],
    ["= 3<TCP:[127.0.0.1:80->127.0.0.1:5000]> <0.000012>", { kind: "returned", value: "3", decoration: "TCP:[127.0.0.1:80->127.0.0.1:5000]" }],
    ["= 0x8002 (flags O_RDWR|O_LARGEFILE)", { kind: "returned", value: "0x8002" }],
    ["= -1 ENOENT (No such file or directory) <0.000010>", { kind: "failed", errno: "ENOENT" }],
  ])("%s", (result, outcome) => {
    expect(only(`read(3, "", 1) ${result}`).outcome).toEqual(outcome);
  });

  test("(INJECTED) and (DELAYED)", () => {
    const injected = only('openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory) (INJECTED)');
    expect(injected).toMatchObject({ injected: true, delayed: false, outcome: { kind: "failed", errno: "ENOENT" } });
    const delayed = only('read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0"..., 832) = 832 (DELAYED)');
    expect(delayed).toMatchObject({ injected: false, delayed: true });
  });
});

describe("arguments", () => {
  test.each([
    ["strings with ) = , and quotes", 'write(1, "a) = 3, \\"b\\"(", 12) = 12', 'write'],
    ["truncated strings", 'read(3, "\\177ELF\\2\\1"..., 832) = 832', "read"],
    ["arrays, structs and var counts", 'execve("/usr/bin/sh", ["sh", "-c", "x"], 0x7ffe9ad88640 /* 35 vars */) = 0', "execve"],
    ["-yy decorations with parens and brackets", 'read(3</tmp/x(1) [a>, "", 1) = 0', "read"],
    ["-yy devices", 'ioctl(0</dev/pts/0<char 136:0>>, TCGETS, {c_iflag=ICRNL}) = 0', "ioctl"],
    ["-yy sockets", 'connect(3<TCP:[127.0.0.1:5000->127.0.0.1:80]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0', "connect"],
    ["-X verbose", 'mmap(NULL, 8192, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0) = 0x7f4b5aa82000', "mmap"],
    ["-xx", 'openat(AT_FDCWD, "\\x2f\\x65\\x74\\x63", O_RDONLY|O_CLOEXEC) = 3', "openat"],
    ["wait status with ==", 'wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 1234', "wait4"],
    ["restart_syscall", "restart_syscall(<... resuming interrupted read ...>) = 0", "restart_syscall"],
    ["shifts are no decorations", "capget({version=_LINUX_CAPABILITY_VERSION_3, pid=1}, {effective=1<<CAP_CHOWN|1<<CAP_KILL, permitted=1<<CAP_CHOWN, inheritable=0}) = 0", "capget"],
  ])("%s", (_, line, name) => {
    expect(only(line).name).toBe(name);
  });

  test("-e raw=all", () => {
    const call = only("openat(0xffffff9c, 0x7f5dd89af0b1, 0x80000, 0) = 0x3");
    expect(call).toMatchObject({ name: "openat", decoded: undefined, outcome: { kind: "returned", value: "0x3" } });
  });
});

describe("split calls", () => {
  test("a call counts once, at its start, with the resumed part's result", () => {
    const events = calls(
      [
        '10869 execve("/usr/bin/cat", ["cat"], 0x556042e33dc8 /* 35 vars */ <unfinished ...>',
        "10868 wait4(-1,  <unfinished ...>",
        "10869 <... execve resumed>) = 0",
        "10868 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 10869",
      ].join("\n"),
    );
    expect(events.map((e) => [e.pid, e.name, e.pos.line, e.outcome])).toEqual([
      [10869, "execve", 1, { kind: "returned", value: "0" }],
      [10868, "wait4", 2, { kind: "returned", value: "10869" }],
    ]);
    expect(events[1]?.rawArgs).toBe("-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL");
  });

  test("calls that never resume are unfinished, flushed by the exit", () => {
    const events = parse(
      [
        "[pid  1235] futex(0x7f0000, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>",
        "[pid  1234] exit_group(0) = ?",
        "[pid  1235] +++ exited with 0 +++",
        "+++ exited with 0 +++",
      ].join("\n"),
    );
    expect(events.map((e) => [e.kind, e.pos.line, e.kind === "syscall" ? e.outcome.kind : ""])).toEqual([
      ["syscall", 2, "unknown"],
      ["syscall", 1, "unfinished"],
      ["exit", 3, ""],
      ["exit", 4, ""],
    ]);
  });

  test("<... resumed> = ? after a kill", () => {
    const events = calls("[pid 7] read(0,  <unfinished ...>\n[pid 7] <... read resumed>) = ?\n[pid 7] +++ killed by SIGKILL +++");
    expect(events.map((e) => e.outcome)).toEqual([{ kind: "unknown" }]);
  });

  test("<detached ...> ends a call", () => {
    expect(only("read(0,  <detached ...>").outcome).toEqual({ kind: "unfinished" });
  });

  test("an end of input leaves pending calls unfinished, in start order", () => {
    const events = calls("[pid 2] read(0,  <unfinished ...>\n[pid 1] poll([{fd=3, events=POLLIN}], 1, -1 <unfinished ...>");
    expect(events.map((e) => [e.pid, e.name, e.outcome.kind])).toEqual([
      [2, "read", "unfinished"],
      [1, "poll", "unfinished"],
    ]);
  });

  test("a resumed call whose start is before the trace still counts", () => {
    expect(only("<... read resumed>\"x\", 1) = 1")).toMatchObject({ name: "read", rawArgs: '"x", 1', pos: { line: 1 } });
  });

  test("execve in a thread: <pid changed to N ...> and superseded", () => {
    const events = parse(
      [
        "1000  futex(0x7f1, FUTEX_WAIT, 1001, NULL <unfinished ...>",
        '1001  execve("/bin/true", ["true"], 0x7ffd /* 3 vars */ <pid changed to 1000 ...>',
        "1000  +++ superseded by execve in pid 1001 +++",
        "1000  <... execve resumed>) = 0",
        "1000  exit_group(0) = ?",
        "1000  +++ exited with 0 +++",
      ].join("\n"),
    );
    expect(events.flatMap((e) => (e.kind === "syscall" ? [[e.pid, e.name, e.pos.line, e.outcome.kind]] : []))).toEqual([
      [1000, "futex", 1, "unfinished"],
      [1000, "execve", 2, "returned"],
      [1000, "exit_group", 5, "unknown"],
    ]);
  });
});

describe("signals, exits, personalities, other lines", () => {
  test("signal and exit lines", () => {
    const events = parse(
      [
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=10869, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---",
        "[pid 12] --- stopped by SIGSTOP ---",
        "+++ exited with 2 +++",
        "[pid 12] +++ killed by SIGSEGV (core dumped) +++",
        "13 +++ killed by SIGKILL +++",
      ].join("\n"),
    );
    // The unprefixed lines are the root process's, which the first prefixed line names.
    expect(events.map(({ pos: _, ...e }) => e)).toEqual([
      { kind: "signal", pid: 12, signal: "SIGCHLD", stopped: false },
      { kind: "signal", pid: 12, signal: "SIGSTOP", stopped: true },
      { kind: "exit", pid: 12, how: { exited: 2 } },
      { kind: "exit", pid: 12, how: { killedBy: "SIGSEGV", coreDumped: true } },
      { kind: "exit", pid: 13, how: { killedBy: "SIGKILL", coreDumped: false } },
    ]);
  });

  test("personality changes tag later calls", () => {
    const events = parse(
      [
        '100 execve("./a32", ["./a32"], 0x7ffd /* 3 vars */) = 0',
        "[ Process PID=100 runs in 32 bit mode. ]",
        "100 brk(NULL) = 0x5655a000",
        "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xf7d8a768) = 101",
        "101 set_thread_area({entry_number=12, base_addr=0xf7d8a740}) = 0",
        "strace: [ Process PID=102 runs in x32 mode. ]",
        "102 getpid() = 102",
      ].join("\n"),
    );
    expect(events.flatMap((e) => (e.kind === "syscall" ? [[e.pid, e.name, e.arch, e.nr]] : e.kind === "personality" ? [[e.pid, e.arch]] : []))).toEqual([
      [100, "execve", "x86_64", 59],
      [100, "x86"],
      [100, "brk", "x86", 45],
      [100, "clone", "x86", 120],
      [101, "set_thread_area", "x86", 243],
      [102, "x32"],
      [102, "getpid", "x32", 0x40000000 + 39],
    ]);
  });

  test("notes with a pid prefix (stderr), and notes naming the process of an unprefixed trace (recorded)", () => {
    const stderr = parse("[pid  3634] [ Process PID=3634 runs in 32 bit mode. ]\n[pid  3634] getpid() = 3634");
    expect(stderr.map((e) => (e.kind === "syscall" || e.kind === "personality" ? e.arch : e.kind))).toEqual(["x86", "x86"]);
    const unprefixed = parse(
      [
        "munmap(0x7fd13f4d3000, 47259)           = 0",
        "[ Process PID=19286 runs in 32 bit mode. ]",
        'write(1, "hello from int 0x80\\n", 20)   = 20',
        "[ Process PID=19286 runs in 64 bit mode. ]",
        "getppid()                               = 19283",
      ].join("\n"),
    );
    expect(unprefixed.map((e) => (e.kind === "syscall" ? `${e.name}:${e.arch}` : e.kind))).toEqual([
      "munmap:x86_64",
      "personality",
      "write:x86",
      "personality",
      "getppid:x86_64",
    ]);
  });

  test("aarch64 traces: 32 bit mode is arm", () => {
    const events = parse("[ Process PID=5 runs in 32 bit mode. ]\n5 getpid() = 5", { native: "aarch64" });
    expect(events.map((e) => (e.kind === "syscall" || e.kind === "personality" ? e.arch : e.kind))).toEqual(["arm", "arm"]);
    expect(parse("[ Process PID=5 runs in x32 mode. ]", { native: "aarch64" })[0]?.kind).toBe("unparsed");
  });

  test("syscall_0x… maps through the tables by number", () => {
    expect(only("syscall_0x1c3(0x1, 0x2) = -1 ENOSYS (Function not implemented)")).toMatchObject({ name: "cachestat", nr: 0x1c3 });
    expect(only("syscall_449(0x1, 0x2) = 0").name).toBe("futex_waitv");
    const unknown = parse("syscall_0xfff(0x1) = -1 ENOSYS (Function not implemented)");
    expect(unknown).toMatchObject([{ kind: "unparsed", reason: "syscall_0xfff: no syscall number 4095 on x86_64", pos: { line: 1 } }]);
  });

  test("a name our tables do not know is named by its -n number when printed (hand-written)", () => {
    expect(only("[ 435] clone_three({flags=CLONE_VM}, 88) = 12")).toMatchObject({ name: "clone3", nr: 435 });
  });

  test("a name that is not a syscall of the process's ABI is reported, not dropped", () => {
    expect(parse("frobnicate(1) = 0")).toMatchObject([{ kind: "unparsed", reason: "frobnicate: not a syscall on x86_64" }]);
  });

  test("lines that carry no event", () => {
    const text = [
      "",
      "strace: Process 1234 attached",
      " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x26f0) [0x1ab70]",
      "% time     seconds  usecs/call     calls    errors syscall",
      "------ ----------- ----------- --------- --------- ----------------",
      "  0.00    0.000000           0         1           set_robust_list",
      "100.00    0.000000           0        29         1 total",
      "strace: Process 1234 detached",
      " | 00000  50 61 63 6b 61 67 65 4b  69 74 0a 58 31 31 0a 61  PackageKit.X11.a |",
    ].join("\n");
    expect(parse(text)).toEqual([]);
  });

  test("strace 6's --tips box ends a trace (recorded)", () => {
    const text = [
      "+++ exited with 0 +++",
      "  ______________________________________________         ____",
      " /                                              \\       /    \\",
      " | It's possible to display timestamps          |      |-. .-.|",
      " \\______________________________________________/      /   |        __",
      "                                                      \\|   |/     _/ /_",
    ].join("\n");
    expect(parse(text).map((e) => e.kind)).toEqual(["exit"]);
  });

  test("anything else is an unparsed line with its place", () => {
    expect(parse("brk(NULL) = 0x1\nhello world\nread(3, \"abc\"")).toEqual([
      expect.objectContaining({ kind: "syscall" }),
      { kind: "unparsed", reason: "not a strace line", text: "hello world", pos: { file: FILE, line: 2 } },
      { kind: "unparsed", reason: "call without closing parenthesis (truncated line?)", text: 'read(3, "abc"', pos: { file: FILE, line: 3 } },
    ]);
  });
});

describe("personality without strace's notes (a -o file has them only with -e quiet=none)", () => {
  function archs(text: string) {
    return parse(text).map((e) => (e.kind === "syscall" ? `${e.name}:${e.arch}` : e.kind === "personality" ? `->${e.arch}` : e.kind));
  }

  test("-n numbers tell 32-bit calls of a 64-bit program (int $0x80, recorded with strace -n -o)", () => {
    const text = [
      "[   4] write(1, \"hello from int 0x80\\n\", 20) = 20",
      "[  20] getpid()                         = 24058",
      "[ 110] getppid()                        = 24055",
      "[ 231] exit_group(0)                    = ?",
    ].join("\n");
    expect(archs(text)).toEqual(["->x86", "write:x86", "getpid:x86", "->x86_64", "getppid:x86_64", "exit_group:x86_64"]);
  });

  test("a name only a compat ABI has switches to it", () => {
    expect(archs("brk(NULL) = 0x1\nmmap2(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf7f0a000\nwrite(1, \"\", 0) = 0")).toEqual([
      "brk:x86_64",
      "->x86",
      "mmap2:x86",
      "write:x86",
    ]);
  });
});

describe("lines cut by strace's own messages (strace -f writing to stderr)", () => {
  test("the message is read alone and the call joined with the next line (recorded)", () => {
    const text = [
      "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 2714 attached",
      ", child_tidptr=0x7fca53312a10) = 2714",
      "[pid  2714] close(4strace: Process 2715 attached",
      ")                    = 0",
    ].join("\n");
    expect(calls(text).map((e) => [e.pid, e.name, e.pos.line, e.rawArgs])).toEqual([
      [0, "clone", 1, "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7fca53312a10"],
      [2714, "close", 3, "4"],
    ]);
  });

  test("a cut line never continued is reported", () => {
    expect(parse("close(4strace: Process 2715 attached")).toMatchObject([
      { kind: "unparsed", reason: "line cut by a strace message, never continued", text: "close(4", pos: { line: 1 } },
    ]);
  });
});

describe("the root process of a trace that starts without pid prefixes", () => {
  function pids(text: string): string[] {
    return parse(text).map((e) => `${e.kind === "syscall" ? e.name : e.kind}:${"pid" in e ? e.pid : ""}`);
  }

  test("strace -f to stderr: the first prefixed pid that is not a new child is the root (recorded)", () => {
    const text = [
      'execve("/usr/bin/sh", ["sh", "-c", "ls /etc | sort | head -3"], 0x7ffc2a4d0c48 /* 2 vars */) = 0',
      "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 2714 attached",
      ", child_tidptr=0x7fca53312a10) = 2714",
      "[pid  2714] close(3)                    = 0",
      "[pid  2713] wait4(-1,  <unfinished ...>",
      "[pid  2714] exit_group(0)               = ?",
      "[pid  2714] +++ exited with 0 +++",
      "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2714",
      "exit_group(0)                           = ?",
      "+++ exited with 0 +++",
    ].join("\n");
    expect(pids(text)).toEqual([
      "execve:2713",
      "clone:2713",
      "close:2714",
      "exit_group:2714",
      "exit:2714",
      "wait4:2713",
      "exit_group:2713",
      "exit:2713",
    ]);
  });

  test("an unfinished call of the root resumes under its pid", () => {
    expect(pids("clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n[pid  2714] getpid() = 2714\n[pid  2713] <... clone resumed>) = 2714")).toEqual([
      "getpid:2714",
      "clone:2713",
    ]);
  });

  test("a personality note names the process of a trace without prefixes (-e quiet=none)", () => {
    expect(pids('execve("./static32", ["./static32"], 0x7ffc /* 35 vars */) = 0\n[ Process PID=23465 runs in 32 bit mode. ]\ngetpid() = 23465')).toEqual([
      "execve:23465",
      "personality:23465",
      "getpid:23465",
    ]);
  });

  test("without either, the default pid", () => {
    expect(pids("getpid() = 5\ngetppid() = 1")).toEqual(["getpid:0", "getppid:0"]);
    expect(pids("getpid() = 5")).toEqual(["getpid:0"]);
  });
});
