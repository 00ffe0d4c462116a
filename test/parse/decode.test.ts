/**
 * Decoded arguments: symbolic constants and `-X raw` / `-e raw=all` numbers give
 * the same values. Lines are strace 6.1 output recorded on this machine unless
 * marked hand-written.
 */
import { describe, expect, test } from "vitest";
import type { DecodedArgs, SyscallEvent } from "../../src/events/types.js";
import { decodeArgs, parseStraceText } from "../../src/parse/index.js";
import type { NativeArch } from "../../src/syscalls/arch.js";

function decoded(line: string, native: NativeArch = "x86_64"): DecodedArgs | undefined {
  const events = parseStraceText(line, { file: "t", native });
  expect(events).toHaveLength(1);
  return (events[0] as SyscallEvent).decoded;
}

const CWD = { fd: -100, decoration: undefined };

describe("symbolic and raw spellings decode alike", () => {
  test.each([
    [
      "openat",
      'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
      'openat(-100 /* AT_FDCWD */, "/etc/ld.so.cache", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3',
      { call: "open", at: { dirfd: CWD, path: "/etc/ld.so.cache" }, flags: 0o2000000, mode: undefined },
    ],
    [
      "openat with mode",
      'openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3',
      'openat(-100, "/dev/null", 0x241, 0666) = 3',
      { call: "open", at: { dirfd: CWD, path: "/dev/null" }, flags: 0o1101, mode: 0o666 },
    ],
    [
      "socket",
      "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3",
      "socket(0xa, 0x1|0x80000, 0) = 3",
      { call: "socket", domain: 10, type: 0x80001, protocol: 0 },
    ],
    [
      "socket (AF_PACKET)",
      "socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)) = 3",
      "socket(0x11, 0x3, 0x300) = 3",
      { call: "socket", domain: 17, type: 3, protocol: 0x300 },
    ],
    [
      "clone",
      "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7fab0d5d6310) = 11227",
      "clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x7f550850c310) = 11197",
      { call: "clone", flags: 0x1200011 },
    ],
    [
      "unshare, with a flag above 32 bits (hand-written)",
      "unshare(CLONE_NEWNS|CLONE_NEWUSER|CLONE_CLEAR_SIGHAND) = 0",
      "unshare(0x110020000) = 0",
      { call: "unshare", flags: 0x110020000 },
    ],
    [
      "personality",
      "personality(PER_LINUX32|ADDR_NO_RANDOMIZE) = 0 (PER_LINUX)",
      "personality(0x40008) = 0",
      { call: "personality", persona: 0x40008 },
    ],
    ["prctl", 'prctl(PR_SET_NAME, "worker") = 0', 'prctl(0xf, 0x7f0) = 0', { call: "prctl", option: 15 }],
    ["prctl (NO_NEW_PRIVS)", "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0", "prctl(0x26, 0x1, 0, 0, 0) = 0", { call: "prctl", option: 38 }],
    ["kill", "kill(1234, SIGTERM) = 0", "kill(1234, 15) = 0", { call: "kill", target: 1234, signal: 15 }],
    ["tgkill", "tgkill(1234, 1235, SIGRT_1) = 0", "tgkill(1234, 1235, 33) = 0", { call: "kill", target: 1235, signal: 33 }],
    [
      "mmap",
      "mmap(NULL, 475136, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x10000) = 0x7f5508749000",
      "mmap(0x7f5508749000, 475136, 0x5, 0x812, 3, 0x10000) = 0x7f5508749000",
      { call: "mmap", prot: 5, flags: 0x812, fd: { fd: 3, decoration: undefined } },
    ],
    [
      "connect (AF_INET)",
      'connect(3, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
      'connect(3, {sa_family=0x2, sin_port="\\x00\\x09", sin_addr="\\x7f\\x00\\x00\\x01"}, 16) = -1 ECONNREFUSED (Connection refused)',
      { call: "address", fd: { fd: 3, decoration: undefined }, address: { family: 2, address: "127.0.0.1", port: 9 } },
    ],
    [
      "bind (AF_INET6, hand-written raw)",
      'bind(3, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      'bind(3, {sa_family=0xa, sin6_port="\\x1f\\x90", sin6_flowinfo="\\x00\\x00\\x00\\x00", sin6_addr="\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01", sin6_scope_id=0}, 28) = 0',
      { call: "address", fd: { fd: 3, decoration: undefined }, address: { family: 10, address: "::1", port: 8080 } },
    ],
  ])("%s", (_, symbolic, raw, expected) => {
    expect(decoded(symbolic)).toEqual(expected);
    expect(decoded(raw)).toEqual(expected);
  });
});

test("clone3's flags, read from its struct, are those a raw clone passes (hand-written)", () => {
  expect(
    decoded(
      "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1, parent_tid=0x7f1, exit_signal=0, stack=0x7f0, stack_size=0x7fff00, tls=0x7f2} => {parent_tid=[12]}, 88) = 12",
    ),
  ).toEqual({ call: "clone3", flags: 0x3d0f00 });
  expect(decoded("clone(0x3d0f00, 0x7f0, 0x7f1, 0x7f1, 0x7f2) = 12")).toEqual({ call: "clone", flags: 0x3d0f00 });
});

describe("file calls", () => {
  test("-y decorations give the dirfd's directory, AT_FDCWD's being the cwd", () => {
    expect(decoded('10869 openat(AT_FDCWD</tmp>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>')).toEqual({
      call: "open",
      at: { dirfd: { fd: -100, decoration: "/tmp" }, path: "/etc/ld.so.cache" },
      flags: 0o2000000,
      mode: undefined,
    });
    expect(decoded('newfstatat(3</usr/lib/x\\74y>, "", {st_mode=S_IFREG|0644, st_size=1}, AT_EMPTY_PATH) = 0')).toEqual({
      call: "path",
      paths: [{ dirfd: { fd: 3, decoration: "/usr/lib/x<y" }, path: "" }],
      flags: 0x1000,
    });
  });

  test("escaped path names decode to the bytes the kernel got", () => {
    const open = decoded('openat(AT_FDCWD, "\\x2f\\x65\\x74\\x63", O_RDONLY|O_CLOEXEC) = 3');
    expect(open).toMatchObject({ at: { path: "/etc" } });
    expect(decoded('mkdir("/tmp/a \\"b\\"\\n\\303\\251", 0777) = 0')).toMatchObject({ paths: [{ path: '/tmp/a "b"\né' }] });
  });

  test("two-path calls keep argument order", () => {
    expect(decoded('renameat2(AT_FDCWD, "a", 4</d>, "b", RENAME_NOREPLACE) = 0')).toEqual({
      call: "path",
      paths: [
        { dirfd: CWD, path: "a" },
        { dirfd: { fd: 4, decoration: "/d" }, path: "b" },
      ],
      flags: 1,
    });
    expect(decoded('symlinkat("target", AT_FDCWD, "/tmp/link") = 0')).toMatchObject({ paths: [{ dirfd: CWD, path: "/tmp/link" }] });
    expect(decoded('unlinkat(AT_FDCWD, "/tmp/d", AT_REMOVEDIR) = 0')).toMatchObject({ flags: 0x200 });
  });

  test("execve, chdir, fchdir, flock, fcntl, creat, openat2", () => {
    expect(decoded('execve("/usr/bin/sh", ["sh"], 0x7ffe /* 35 vars */) = 0')).toEqual({
      call: "execve",
      at: { dirfd: CWD, path: "/usr/bin/sh" },
      flags: undefined,
    });
    expect(decoded('chdir("/tmp") = 0')).toEqual({ call: "path", paths: [{ dirfd: CWD, path: "/tmp" }], flags: undefined });
    expect(decoded("fchdir(3</var/lib>) = 0")).toEqual({ call: "fd", fd: { fd: 3, decoration: "/var/lib" }, op: undefined });
    expect(decoded("flock(3, LOCK_EX|LOCK_NB) = 0")).toMatchObject({ call: "fd", op: 6 });
    expect(decoded("close(3</etc/passwd>) = 0")).toEqual({ call: "fd", fd: { fd: 3, decoration: "/etc/passwd" }, op: undefined });
    expect(decoded("dup2(3</tmp/x>, 1</dev/pts/0>) = 1</tmp/x>")).toEqual({ call: "dup", fd: { fd: 3, decoration: "/tmp/x" }, newFd: 1 });
    expect(decoded("dup(3) = 4")).toEqual({ call: "dup", fd: { fd: 3, decoration: undefined }, newFd: undefined });
    expect(decoded("fcntl(3, F_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0")).toMatchObject({ op: 7 });
    expect(decoded('creat("/tmp/x", 0644) = 3')).toMatchObject({ call: "open", flags: 0o1101, mode: 0o644 });
    expect(decoded('openat2(AT_FDCWD, "/etc", {flags=O_RDONLY|O_DIRECTORY, mode=0, resolve=RESOLVE_NO_SYMLINKS}, 24) = 3')).toMatchObject({
      call: "open",
      flags: 0o200000,
      mode: 0,
    });
  });

  test("open flags follow the native arch: O_DIRECTORY differs on aarch64", () => {
    const line = 'openat(AT_FDCWD, "/etc", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3';
    expect(decoded(line, "x86_64")).toMatchObject({ flags: 0o2204000 });
    expect(decoded(line, "aarch64")).toMatchObject({ flags: 0o2044000 });
  });

  test("unix socket addresses, abstract ones with @", () => {
    expect(decoded('connect(4, {sa_family=AF_UNIX, sun_path="/tmp/nosock"}, 14) = -1 ENOENT (No such file or directory)')).toMatchObject({
      address: { family: 1, address: "/tmp/nosock", port: undefined },
    });
    expect(decoded('bind(4, {sa_family=AF_UNIX, sun_path=@"x11"}, 6) = 0')).toMatchObject({ address: { address: "@x11" } });
    expect(decoded("bind(4, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0")).toMatchObject({
      address: { family: 16, address: undefined },
    });
  });
});

describe("socket protocols", () => {
  // Recorded: python3 socket.socket(AF_PACKET, SOCK_RAW, P) for P = 0, 3, 0x300, 0x1234; -X verbose for P = 0.
  test.each([
    ["socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(0 /* ETH_P_??? */)) = 3", 0],
    ["socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(0x300 /* ETH_P_??? */)) = 3", 3],
    ["socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(ETH_P_ALL)) = 3", 0x300],
    ["socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(0x3412 /* ETH_P_??? */)) = 3", 0x1234],
    ["socket(0x11 /* AF_PACKET */, 0x3 /* SOCK_RAW */|0x80000 /* SOCK_CLOEXEC */, htons(0 /* ETH_P_??? */)) = 3", 0],
  ])("%s: the protocol as the kernel sees it", (line, protocol) => {
    expect(decoded(line)).toEqual({ call: "socket", domain: 17, type: 0x80003, protocol });
  });

  test("an undecodable protocol keeps the domain and type (hand-written)", () => {
    expect(decoded("socket(AF_PACKET, SOCK_RAW, htons(ETH_P_FUTURE)) = 3")).toEqual({
      call: "socket",
      domain: 17,
      type: 3,
      protocol: undefined,
    });
  });
});

describe("what is not decoded", () => {
  test("calls without a decoder, pointers under -e raw=all, unknown symbols", () => {
    expect(decoded("brk(NULL) = 0x1")).toBeUndefined();
    expect(decoded("openat(0xffffff9c, 0x7f5dd89af0b1, 0x80000, 0) = 0x3")).toBeUndefined();
    expect(decoded('openat(AT_FDCWD, "/x", O_RDONLY|O_FUTURE) = 3')).toBeUndefined();
  });

  test("only the kinds asked for", () => {
    const line = 'openat(AT_FDCWD, "/x", O_RDONLY) = 3\nsocket(AF_UNIX, SOCK_STREAM, 0) = 4';
    const events = parseStraceText(line, { file: "t", decode: new Set(["socket"]) }) as SyscallEvent[];
    expect(events.map((e) => e.decoded?.call)).toEqual([undefined, "socket"]);
    expect(decodeArgs("openat", 'AT_FDCWD, "/x", O_RDONLY', "x86_64")).toMatchObject({ call: "open" });
  });
});
