import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIn } from "../support/cli.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "strace");
const FIXTURE = join(FIXTURES, "pipeline-yy.trace");

const APP = `100 execve("/usr/bin/app", ["app"], 0x7ffd /* 3 vars */) = 0
100 geteuid() = 0
100 openat(AT_FDCWD, "/srv/conf", O_RDONLY) = 3
100 openat(AT_FDCWD, "/var/log/app.log", O_WRONLY|O_CREAT|O_APPEND, 0644) = 4
100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 5
100 exit_group(0) = ?
100 +++ exited with 0 +++
`;

/** The same workload, then a child that reads /etc/shadow, writes its config and opens a raw socket. */
const INTRUDER = `${APP.replace(/100 exit_group[^]*$/, "")}100 clone(child_stack=NULL, flags=SIGCHLD) = 101
101 openat(AT_FDCWD, "/etc/shadow", O_RDONLY|O_CLOEXEC) = 3
101 openat(AT_FDCWD, "/srv/conf", O_RDWR) = 4
101 socket(AF_PACKET, SOCK_RAW, 768) = 5
101 chroot("/srv") = 0
101 exit_group(0) = ?
101 +++ exited with 0 +++
100 exit_group(0) = ?
100 +++ exited with 0 +++
`;

/** A directory holding `files`; traces are named by absolute path (trace readers do not take the CLI's cwd). */
function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-verify-apparmor-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function generated(dir: string, trace: string): Promise<string> {
  const out = join(dir, "app.apparmor");
  const { code, err } = await runIn(dir, ["apparmor", trace, "--name", "app", "-o", out]);
  expect({ code, err: err.includes("Error") ? err : "" }).toEqual({ code: 0, err: "" });
  return out;
}

describe("profilesmith verify --apparmor", () => {
  it.each(["fd-kinds-y", "fd-kinds-yy", "fd-kinds-yy-xx", "pipeline-y", "pipeline-yy"])(
    "a profile generated from %s verifies that trace (exit 0)",
    async (name) => {
      const dir = workdir({});
      const trace = join(FIXTURES, `${name}.trace`);
      const { code, out } = await runIn(dir, ["verify", "--apparmor", await generated(dir, trace), trace]);
      expect(code).toBe(0);
      expect(out).toMatch(/: all \d+ traced accesses would be allowed\n$/);
    },
  );

  it("a profile generated from a small trace verifies it", async () => {
    const dir = workdir({ "app.strace": APP });
    const { code, out } = await runIn(dir, ["verify", "--apparmor", await generated(dir, join(dir, "app.strace")), join(dir, "app.strace")]);
    expect({ code, out }).toEqual({ code: 0, out: expect.stringMatching(/all \d+ traced accesses would be allowed/) });
  });

  it("reports every access the profile would deny: where, pid, what was asked, the rule missing (exit 1)", async () => {
    const dir = workdir({ "app.strace": APP, "intruder.strace": INTRUDER });
    const profile = await generated(dir, join(dir, "app.strace"));
    const intruder = join(dir, "intruder.strace");
    const { code, out } = await runIn(dir, ["verify", "--apparmor", profile, intruder]);
    expect(code).toBe(1);
    expect(out.split("\n")).toEqual([
      `${intruder}:7: pid 101: file /etc/shadow r: missing: /etc/shadow r,`,
      `${intruder}:8: pid 101: file /srv/conf w: missing: /srv/conf w,`,
      `${intruder}:9: pid 101: capability net_raw: missing: capability net_raw,`,
      `${intruder}:9: pid 101: network packet raw: missing: network packet raw,`,
      `${intruder}:10: pid 101: capability sys_chroot: missing: capability sys_chroot,`,
      expect.stringMatching(new RegExp(`^${profile}: 5 of \\d+ traced accesses would be denied$`)),
      "",
    ]);
  });

  it("--json lists the same findings", async () => {
    const dir = workdir({ "app.strace": APP, "intruder.strace": INTRUDER });
    const profile = await generated(dir, join(dir, "app.strace"));
    const intruder = join(dir, "intruder.strace");
    const { code, out } = await runIn(dir, ["verify", "--apparmor", profile, intruder, "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.kind).toBe("apparmor");
    expect(report.denied[0]).toEqual({
      kind: "file",
      path: "/etc/shadow",
      perms: "r",
      missing: "r",
      rule: "/etc/shadow r,",
      first: { file: intruder, line: 7, pid: 101 },
    });
    expect(report.denied).toHaveLength(5);
  });

  it("names the deny rule that takes an access away", async () => {
    const profile = "profile app {\n  /srv/** rw,\n  deny /srv/conf w,\n}\n";
    const dir = workdir({ "p.apparmor": profile, "t.strace": '7 openat(AT_FDCWD, "/srv/conf", O_RDWR) = 3\n' });
    const { code, out } = await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace")]);
    expect(code).toBe(1);
    expect(out).toContain(`${join(dir, "t.strace")}:1: pid 7: file /srv/conf w: denied by: deny /srv/conf w,\n`);
  });

  it("places a need that only earlier lines explain (an fd without -y decoration) at the line that needed it", async () => {
    const trace = '7 openat(AT_FDCWD, "/srv/lib.so", O_RDONLY|O_CLOEXEC) = 3\n7 read(3, "", 832) = 0\n7 mmap(NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE, 3, 0) = 0x7f0000000000\n';
    const dir = workdir({ "p.apparmor": "profile app {\n  /srv/lib.so r,\n}\n", "t.strace": trace });
    const { code, out } = await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace")]);
    expect(code).toBe(1);
    expect(out).toContain(`${join(dir, "t.strace")}:3: pid 7: file /srv/lib.so m: missing: /srv/lib.so m,\n`);
  });

  it("abstractions/base counts: reading /etc/ld.so.cache needs no rule", async () => {
    const dir = workdir({ "p.apparmor": "profile app {\n}\n", "t.strace": '7 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3\n' });
    expect((await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace")])).code).toBe(0);
  });

  it("usage and input errors exit 2 with one line", async () => {
    const dir = workdir({ "seccomp.json": '{"defaultAction":"SCMP_ACT_ERRNO"}', "bad.apparmor": "profile app {\n  /etc/x rq,\n}\n" });
    const both = await runIn(dir, ["verify", "--apparmor", "a", "--seccomp", "b", FIXTURE]);
    expect(both.code).toBe(2);
    expect((await runIn(dir, ["verify", "--root", "/", "--seccomp", "seccomp.json", FIXTURE])).code).toBe(2);
    const notAppArmor = await runIn(dir, ["verify", "--apparmor", "seccomp.json", FIXTURE]);
    expect(notAppArmor.code).toBe(2);
    expect(notAppArmor.err).toMatch(/^profilesmith verify: .*seccomp\.json:1: /);
    const bad = await runIn(dir, ["verify", "--apparmor", "bad.apparmor", FIXTURE]);
    expect({ code: bad.code, err: bad.err }).toEqual({ code: 2, err: expect.stringMatching(/bad\.apparmor:2: .*unknown permission "q"\n$/) });
    expect(bad.out).toBe("");
  });
});
