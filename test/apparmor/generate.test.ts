import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAppArmor, matches, type AppArmorOptions, type GeneratedAppArmor } from "../../src/apparmor/index.js";
import { parseStraceText } from "../../src/parse/index.js";
import { parseAllowlist } from "../../src/policy/index.js";
import { requireTools } from "../support/tools.js";
import { runApparmorParser } from "./parser.js";

const canParse = requireTools("generated AppArmor profiles through apparmor_parser", "apparmor_parser").length === 0;

/** Every profile a test generates, checked with the real parser at the end. */
const generatedTexts: string[] = [];

/** A trace from lines (pid 100 unless a line starts with a pid). */
function trace(...lines: string[]): string {
  return lines.map((line) => (/^\d+ /.test(line) ? line : `100 ${line}`)).join("\n") + "\n";
}

async function generate(text: string, options: Partial<AppArmorOptions> = {}): Promise<GeneratedAppArmor> {
  const generated = await generateAppArmor({ name: "t", traces: [parseStraceText(text, { file: "t.strace" })], ...options });
  generatedTexts.push(generated.text);
  return generated;
}

/** The profile's rule lines (no comments, includes or braces). */
async function rules(text: string, options: Partial<AppArmorOptions> = {}): Promise<string[]> {
  const { text: profile } = await generate(text, options);
  return profile
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && !/^(abi|include|profile|\})/.test(line) && line !== 'signal (receive) peer=unconfined,');
}

describe("file rules from open calls", () => {
  it("grants by access mode: r, w (create, truncate), a (O_APPEND without O_TRUNC), rw", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/srv/in", O_RDONLY|O_CLOEXEC) = 3',
          'openat(AT_FDCWD, "/srv/out", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4',
          'openat(AT_FDCWD, "/srv/log", O_WRONLY|O_APPEND) = 5',
          'openat(AT_FDCWD, "/srv/log2", O_WRONLY|O_CREAT|O_APPEND, 0644) = 5',
          'open("/srv/db", O_RDWR) = 6',
          'creat("/srv/new", 0644) = 7',
        ),
      ),
    ).toEqual(["/srv/db rw,", "/srv/in r,", "/srv/log a,", "/srv/log2 w,", "/srv/new w,", "/srv/out w,"]);
  });

  it("grants opens a device refused after AppArmor let them through (ENXIO, EBUSY, …)", async () => {
    expect(await rules(trace('openat(AT_FDCWD, "/dev/tty", O_RDWR|O_NONBLOCK) = -1 ENXIO (No such device or address)'))).toEqual(["/dev/tty rw,"]);
  });

  it("grants nothing for failed opens or O_PATH", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/srv/missing", O_RDONLY) = -1 ENOENT (No such file or directory)',
          'openat(AT_FDCWD, "/srv/secret", O_RDONLY) = -1 EACCES (Permission denied)',
          'openat(AT_FDCWD, "/srv/p", O_RDONLY|O_PATH) = 3',
        ),
      ),
    ).toEqual([]);
  });

  it("gives a listed directory a trailing slash", async () => {
    expect(
      await rules(
        trace('openat(AT_FDCWD, "/srv", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3', "getdents64(3, 0x5 /* 4 entries */, 32768) = 112"),
      ),
    ).toEqual(["/srv/ r,"]);
    expect(await rules(trace('openat(AT_FDCWD, "/srv", O_RDONLY) = 3', "getdents64(3, 0x5 /* 4 entries */, 32768) = 112"))).toEqual([
      "/srv/ r,",
    ]);
  });

  it("shares a process's open files with its threads (CLONE_FILES); a forked child has a copy of them", async () => {
    const thread = "clone(child_stack=0x7f0000000000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 101";
    const forked = "clone(child_stack=NULL, flags=SIGCHLD) = 102";
    const opened = 'openat(AT_FDCWD, "/srv/data", O_RDONLY) = 3';
    expect(await rules(trace(thread, opened, "101 flock(3, LOCK_SH) = 0"))).toEqual(["/srv/data rk,"]);
    expect(await rules(trace(forked, opened, "102 flock(3, LOCK_SH) = 0"))).toEqual(["/srv/data r,"]);
    // exec gives a CLONE_FILES child that is no thread a table of its own.
    const execed = ["clone(child_stack=NULL, flags=CLONE_FILES|SIGCHLD) = 103", '103 execve("/bin/true", ["true"], 0x7ffd00000000 /* 0 vars */) = 0'];
    expect(await rules(trace(...execed, opened, "103 flock(3, LOCK_SH) = 0"))).toContain("/srv/data r,");
  });

  it("names a listed directory with its slash through every fd open on it, dups included", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/srv", O_RDONLY) = 3',
          "dup(3) = 4",
          "getdents64(3, 0x5 /* 4 entries */, 32768) = 112",
          "flock(4, LOCK_SH) = 0",
        ),
      ),
    ).toEqual(["/srv/ rk,"]);
  });

  it("takes the path the kernel resolved from a -y decoration, /dev nodes without their <char M:m>", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD</root>, "/share/x/z", O_RDONLY) = 3</usr/share/x/z>',
          'openat(AT_FDCWD</root>, "/dev/tty", O_WRONLY) = 4</dev/tty<char 5:0>>',
        ),
      ),
    ).toEqual(["/dev/tty w,", "/usr/share/x/z r,"]);
  });

  it("resolves relative paths without -y under the directory chdir went to, in children too", async () => {
    expect(
      await rules(
        trace(
          'chdir("/srv/repo") = 0',
          "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101",
          '101 openat(AT_FDCWD, "f", O_RDONLY) = 3',
          '101 openat(AT_FDCWD, ".git/HEAD", O_RDONLY) = 4',
        ),
        { recordedSymlinks: new Map() },
      ),
    ).toEqual(["/srv/repo/.git/HEAD r,", "/srv/repo/f r,"]);
  });

  it("resolves relative paths under the -y directory of the dirfd", async () => {
    expect(await rules(trace('openat(3</srv/data>, "a/b", O_RDONLY) = 4', 'openat(AT_FDCWD</work>, "c", O_RDONLY) = 5'))).toEqual([
      "/srv/data/a/b r,",
      "/work/c r,",
    ]);
  });
});

describe("file rules from other calls", () => {
  it("grants nothing for metadata calls (stat, newfstatat, statx, access, faccessat, readlink)", async () => {
    expect(
      await rules(
        trace(
          'stat("/etc/shadow", {st_mode=S_IFREG|0640, st_size=1}) = 0',
          'newfstatat(AT_FDCWD, "/etc/shadow", {st_mode=S_IFREG|0640, st_size=1}, AT_SYMLINK_NOFOLLOW) = 0',
          'statx(AT_FDCWD, "/etc/shadow", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL}) = 0',
          'access("/etc/shadow", R_OK) = 0',
          'faccessat2(AT_FDCWD, "/etc/shadow", R_OK, 0) = 0',
          'readlink("/etc/mtab", "../proc/self/mounts", 4095) = 19',
        ),
      ),
    ).toEqual([]);
  });

  it("grants w to what is created or removed, with a slash for directories, l for links", async () => {
    expect(
      await rules(
        trace(
          'mkdir("/srv/d", 0755) = 0',
          'unlink("/srv/f") = 0',
          'unlinkat(AT_FDCWD, "/srv/e", AT_REMOVEDIR) = 0',
          'rmdir("/srv/r") = 0',
          'rename("/srv/a", "/srv/b") = 0',
          'symlink("/target", "/srv/s") = 0',
          'link("/srv/old", "/srv/hard") = 0',
          'mknod("/srv/fifo", S_IFIFO|0644) = 0',
        ),
      ),
    ).toEqual(["/srv/a rw,", "/srv/b w,", "/srv/d/ w,", "/srv/e/ w,", "/srv/f w,", "/srv/fifo w,", "/srv/hard l,", "/srv/r/ w,", "/srv/s w,"]);
  });

  it("grants k for flock and fcntl locks, m for PROT_EXEC maps, w for truncate/chmod/chown", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/srv/lock", O_RDWR) = 3',
          "flock(3, LOCK_EX) = 0",
          'openat(AT_FDCWD, "/srv/db", O_RDONLY) = 4',
          "fcntl(4, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0",
          'openat(AT_FDCWD, "/opt/app/lib.so", O_RDONLY) = 5',
          "mmap(NULL, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_DENYWRITE, 5, 0) = 0x7f00",
          'truncate("/srv/t", 0) = 0',
          'chmod("/srv/m", 0600) = 0',
          'chown("/srv/o", -1, -1) = 0',
        ),
      ),
    ).toEqual(["/opt/app/lib.so mr,", "/srv/db rk,", "/srv/lock rwk,", "/srv/m w,", "/srv/o w,", "/srv/t w,"]);
  });

  it("follows an fd through dup, dup2, dup3 and F_DUPFD", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/srv/a", O_RDONLY) = 3',
          "dup(3) = 4",
          "flock(4, LOCK_SH) = 0",
          'openat(AT_FDCWD, "/srv/b", O_RDONLY) = 5',
          "dup2(5, 9) = 9",
          "flock(9, LOCK_SH) = 0",
          'openat(AT_FDCWD, "/srv/c", O_RDONLY) = 6',
          "dup3(6, 10, O_CLOEXEC) = 10",
          "flock(10, LOCK_SH) = 0",
          'openat(AT_FDCWD, "/srv/d", O_RDONLY) = 7',
          "fcntl(7, F_DUPFD_CLOEXEC, 20) = 20",
          "flock(20, LOCK_SH) = 0",
        ),
      ),
    ).toEqual(["/srv/a rk,", "/srv/b rk,", "/srv/c rk,", "/srv/d rk,"]);
  });

  it("skips what abstractions/base grants", async () => {
    expect(
      await rules(
        trace(
          'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
          'openat(AT_FDCWD, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3',
          'openat(AT_FDCWD, "/dev/null", O_RDWR) = 3',
        ),
      ),
    ).toEqual([]);
  });
});

describe("exec rules", () => {
  it("grants ix to programs the workload ran, not to failed attempts", async () => {
    expect(
      await rules(
        trace(
          'execve("/usr/local/bin/app", ["app"], 0x7ffd /* 3 vars */) = -1 ENOENT (No such file or directory)',
          'execve("/usr/bin/app", ["app"], 0x7ffd /* 3 vars */) = 0',
        ),
      ),
    ).toEqual(["/usr/bin/app ix,"]);
  });

  it("resolves symlinks under --root, never leaving it, and adds a script's interpreter", async () => {
    const root = mkdtempSync(join(tmpdir(), "profilesmith-root-"));
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    symlinkSync("usr/bin", join(root, "bin"));
    writeFileSync(join(root, "usr/bin/python3.11"), "");
    symlinkSync("python3.11", join(root, "usr/bin/python3"));
    symlinkSync("/../../../../escape", join(root, "usr/bin/outside"));
    writeFileSync(join(root, "usr/bin/tool"), "#!/bin/python3 -u\nprint(1)\n");
    const generated = await generate(
      trace(
        'execve("/bin/python3", ["python3"], 0x7ffd /* 3 vars */) = 0',
        'execve("/usr/bin/outside", ["x"], 0x7ffd /* 3 vars */) = 0',
        'execve("/bin/tool", ["tool"], 0x7ffd /* 3 vars */) = 0',
      ),
      { root },
    );
    expect(generated.text).toContain("  /usr/bin/python3.11 ix,\n");
    expect(generated.text).toContain("  /escape ix,\n");
    expect(generated.text).toContain("  /usr/bin/tool ix,\n");
    expect(generated.notes).toContain("/usr/bin/tool is a script: its interpreter /usr/bin/python3.11 may run too");
    expect(generated.warnings).toEqual([]);
  });

  it("resolves symlinks recorded by record (symlinks.json) and warns about paths it could not resolve", async () => {
    const text = trace('execve("/bin/ls", ["ls"], 0x7ffd /* 3 vars */) = 0');
    expect(await rules(text, { recordedSymlinks: new Map([["/bin", "usr/bin"]]) })).toEqual(["/usr/bin/ls ix,"]);
    const unresolved = await generate(text);
    expect(unresolved.warnings).toEqual([expect.stringMatching(/^1 path\(s\) not resolved through symlinks .*: \/bin\/ls \(t\.strace:1\)/)]);
  });
});

describe("network and capability rules", () => {
  it("writes network FAMILY TYPE for each socket, net_raw for raw sockets, net_bind_service for ports below 1024", async () => {
    const generated = await generate(
      trace(
        "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3",
        'bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
        "socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) = 4",
        "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) = 5",
        "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 6",
        "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = -1 EACCES (Permission denied)",
      ),
    );
    expect(generated.text).toContain(
      "  # bind to port 80 at t.strace:2\n  capability net_bind_service,\n  # raw socket at t.strace:4\n  capability net_raw,\n\n" +
        "  network inet raw,\n  network inet stream,\n  network inet6 dgram,\n  network netlink raw,\n",
    );
  });

  it("grants capabilities calls needed: setuid, setgid, chroot, chown to another user", async () => {
    expect(
      (
        await rules(
          trace(
            "getuid() = 1000",
            "setuid(0) = 0",
            "setgroups(0, NULL) = 0",
            'chroot("/srv/jail") = 0',
            'chown("/srv/f", 1001, -1) = 0',
            'chown("/srv/g", 1000, -1) = 0',
          ),
        )
      ).filter((line) => line.startsWith("capability")),
    ).toEqual(["capability chown,", "capability setgid,", "capability setuid,", "capability sys_chroot,"]);
  });

  it("grants the implicit root capabilities with a comment each when the workload runs as root, unless told not to", async () => {
    const root = trace("geteuid() = 0", 'openat(AT_FDCWD, "/srv/x", O_RDONLY) = 3');
    const generated = await generate(root);
    for (const capability of ["dac_override", "dac_read_search", "fowner", "fsetid"]) {
      expect(generated.text).toMatch(new RegExp(`  # [^\\n]*runs as root\\)\\n  capability ${capability},\\n`));
    }
    expect((await generate(root, { implicitCapabilities: false })).text).not.toContain("capability");
    expect((await generate(trace("geteuid() = 1000"))).text).not.toContain("capability");
  });

  it("writes unix rules for the unix sockets the workload connected or bound, w on their paths", async () => {
    expect(
      await rules(
        trace(
          "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3",
          'connect(3, {sa_family=AF_UNIX, sun_path="/srv/app.sock"}, 110) = 0',
          "socket(AF_UNIX, SOCK_DGRAM, 0) = 4",
          'bind(4, {sa_family=AF_UNIX, sun_path="/srv/d.sock"}, 110) = 0',
        ),
      ),
    ).toEqual([
      "network unix dgram,",
      "network unix stream,",
      "unix (bind) type=dgram,",
      "unix (connect, send, receive) type=stream,",
      "/srv/app.sock w,",
      "/srv/d.sock w,",
    ]);
  });

  it("lets a workload that reads /proc of processes outside the trace (ps) read them", async () => {
    const { text } = await generate(trace('openat(AT_FDCWD, "/proc/1/stat", O_RDONLY) = 3', 'openat(AT_FDCWD, "/proc/100/stat", O_RDONLY) = 4'));
    expect(text).toContain("  # reads /proc of processes outside the trace (ps, top): /proc/1/stat\n  ptrace (read),\n");
  });

  it("writes a ptrace rule when the workload traces its own processes", async () => {
    expect(await rules(trace("101 getpid() = 101", "ptrace(PTRACE_ATTACH, 101) = 0"))).toEqual(["ptrace (trace) peer=t,"]);
  });
});

describe("container manners", () => {
  it("flags the profile attach_disconnected,mediate_deleted and lets the runtime signal it", async () => {
    const { text } = await generate(trace('openat(AT_FDCWD, "/srv/x", O_RDONLY) = 3'));
    expect(text).toContain("profile t flags=(attach_disconnected,mediate_deleted) {\n  include <abstractions/base>\n");
    expect(text).toContain("  signal (receive) peer=unconfined,\n");
  });
});

describe("per-run names", () => {
  it("globs mktemp names, /proc/<pid> and /proc/self, hex ids; a new file directly in /tmp stays denied", async () => {
    const generated = await generate(
      trace(
        'openat(AT_FDCWD, "/tmp/tmp.AbC3eFgH1j", O_RDWR|O_CREAT|O_EXCL, 0600) = 3',
        'mkdir("/tmp/tmpk3j_x9ab", 0700) = 0',
        'openat(AT_FDCWD, "/tmp/tmpk3j_x9ab/out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4',
        'openat(AT_FDCWD, "/proc/self/cmdline", O_RDONLY) = 5',
        'openat(AT_FDCWD, "/proc/4242/fd/7", O_RDONLY) = 6',
        'openat(AT_FDCWD, "/var/cache/app/3fa4b2c1d9.bin", O_RDONLY) = 7',
        'openat(AT_FDCWD, "/tmp/q2x_9kab", O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = 8',
        'unlink("/tmp/q2x_9kab") = 0',
        'openat(AT_FDCWD, "/dev/pts/3", O_RDWR) = 9',
        'openat(AT_FDCWD, "/tmp/oZCQdhBgKt", O_RDWR|O_CREAT|O_EXCL, 0600) = 13',
        'openat(AT_FDCWD, "/tmp/created", O_RDWR|O_CREAT|O_EXCL, 0600) = 14',
        'openat(AT_FDCWD, "/srv/conf/sedK2xQ9a", O_RDWR|O_CREAT|O_EXCL, 0600) = 11',
        'openat(AT_FDCWD, "/srv/conf/report", O_RDWR|O_CREAT|O_EXCL, 0600) = 12',
        'mkdir("/srv/repo/.git/objects/df", 0777) = 0',
        'link("/srv/repo/.git/objects/df/tmp_obj_PMAMR6", "/srv/repo/.git/objects/df/55a7dce59d040dc7819c1e241082965a80ebd9") = 0',
        'openat(AT_FDCWD, "/srv/repo/.git/objects/ab/tmp_obj_Xy12Zw", O_RDWR|O_CREAT|O_EXCL, 0444) = 10',
      ),
    );
    expect(generated.text).toContain(`  owner /tmp/${"[a-z0-9_]".repeat(8)} rw,\n`);
    expect(generated.text).toContain("  /dev/pts/[0-9]* rw,\n");
    expect(generated.text).toContain(`  owner /tmp/${"[A-Za-z0-9_]".repeat(10)} rw,\n`);
    expect(generated.text).toContain("  /tmp/created rw,\n");
    expect(generated.text).toContain("  /srv/conf/sed?????? rw,\n");
    expect(generated.text).toContain("  /srv/conf/report rw,\n");
    expect(generated.text).toContain("  /srv/repo/.git/objects/[0-9a-f][0-9a-f]/ w,\n");
    expect(generated.text).toContain(`  /srv/repo/.git/objects/[0-9a-f][0-9a-f]/${"[0-9a-f]".repeat(38)} l,\n`);
    expect(generated.text).toContain("  /srv/repo/.git/objects/[0-9a-f][0-9a-f]/tmp_obj_?????? rw,\n");
    expect(generated.text).toContain("  owner /tmp/tmp.?????????? rw,\n");
    expect(generated.text).toContain("  owner /tmp/tmp????????/ w,\n");
    expect(generated.text).toContain("  owner /tmp/tmp????????/out.txt w,\n");
    expect(generated.text).toContain("  owner @{PROC}/@{pid}/cmdline r,\n");
    expect(generated.text).toContain("  owner @{PROC}/@{pid}/fd/[0-9]* r,\n");
    expect(generated.text).toContain(`  /var/cache/app/${"[0-9a-f]".repeat(10)}.bin r,\n`);
    expect(generated.text).toContain("  # covers /tmp/tmp.AbC3eFgH1j\n");
    expect(matches(generated.profile, "/tmp/tmp.ZZZZZZZZZZ", "rw")).toBe(true);
    expect(matches(generated.profile, "/tmp/newfile", "w")).toBe(false);
    expect(matches(generated.profile, "/tmp/tmp.short", "w")).toBe(false);
    expect(matches(generated.profile, "/tmp/probe", "w")).toBe(false);
  });

  it("keeps names it cannot glob safely literal (quoted)", async () => {
    const { text } = await generate(trace('openat(AT_FDCWD, "/tmp/a b*/tmp.AbC3eFgH1j", O_RDONLY) = 3'));
    expect(text).toContain('  "/tmp/a b\\*/tmp.AbC3eFgH1j" r,\n');
  });
});

describe("read-only globs for many siblings", () => {
  const reads = (dir: string, count: number) =>
    Array.from({ length: count }, (_, i) => `openat(AT_FDCWD, "${dir}/m${i}/f.py", O_RDONLY|O_CLOEXEC) = 3`);

  it("replaces 8 or more reads under one directory 3+ levels deep with DIR** r, saying what it covers", async () => {
    const generated = await generate(trace(...reads("/usr/share/app-data", 8), 'openat(AT_FDCWD, "/usr/share/app-data/w", O_WRONLY) = 3'));
    expect(generated.text).toContain("  # covers 8 observed paths: /usr/share/app-data/m0/f.py, /usr/share/app-data/m1/f.py, /usr/share/app-data/m2/f.py and 5 more (--explain lists them)\n  /usr/share/app-data/** r,\n");
    expect(generated.text).toContain("  /usr/share/app-data/w w,\n");
    expect(generated.explanation).toEqual(["/usr/share/app-data/** r covers:", ...Array.from({ length: 8 }, (_, i) => `  /usr/share/app-data/m${i}/f.py`)]);
  });

  it("does not glob below the threshold, under /etc, /home or /var/lib, or shallower than 3 levels", async () => {
    for (const dir of ["/usr/share/app-data", "/etc/app/conf", "/home/u/app", "/var/lib/app", "/opt"]) {
      const count = dir === "/usr/share/app-data" ? 7 : 12;
      const generated = await generate(trace(...reads(dir, count)));
      expect(generated.text, dir).not.toContain("**");
    }
  });
});

describe("allowlists and determinism", () => {
  it("merges an allowlist's apparmor section", async () => {
    const allowlist = parseAllowlist(
      "version: 1\napparmor:\n  files: [{path: /srv/extra/**, perms: r}]\n  exec: [/usr/bin/env]\n  capabilities: [kill]\n  network: [inet6 stream, tcp]\n",
      "extra.yaml",
    );
    expect(await rules("", { allowlists: [allowlist] })).toEqual([
      "capability kill,",
      "network inet6 stream,",
      "network tcp,",
      "/srv/extra/** r,",
      "/usr/bin/env ix,",
    ]);
  });

  it("writes the same bytes whatever order the traces come in", async () => {
    const a = trace('openat(AT_FDCWD, "/srv/a", O_RDONLY) = 3', "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3");
    const b = trace('200 execve("/usr/bin/b", ["b"], 0x1 /* 0 vars */) = 0', '200 mkdir("/srv/d", 0700) = 0');
    const both = (x: string, y: string) =>
      generateAppArmor({ name: "t", traces: [parseStraceText(x, { file: "x" }), parseStraceText(y, { file: "y" })] }).then((g) => g.text);
    expect(await both(a, b)).toBe(await both(b, a));
  });
});

describe("hostile file names", () => {
  it("stay inside their rule: the profile parses and the rule matches exactly the name", async () => {
    const nameChar = fc.constantFrom(..."ab *?[]{},\"'\\@#!^\n\t}=%");
    await fc.assert(
      fc.asyncProperty(fc.array(nameChar, { minLength: 1, maxLength: 12 }).map((chars) => chars.join("")), async (name) => {
        fc.pre(name !== "." && name !== ".." && !name.includes("/"));
        const generated = await generate(trace(`openat(AT_FDCWD, ${JSON.stringify(`/srv/${name}`)}, O_RDONLY) = 3`));
        expect(matches(generated.profile, `/srv/${name}`, "r")).toBe(true);
        expect(matches(generated.profile, "/srv/other", "r")).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe.skipIf(!canParse)("apparmor_parser", () => {
  it("accepts every profile these tests generated", () => {
    expect(generatedTexts.length).toBeGreaterThan(20);
    for (const text of new Set(generatedTexts)) {
      const run = runApparmorParser(text);
      expect(run.status, `${run.stderr}\n${text}`).toBe(0);
    }
  });
});
