import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIn } from "../support/cli.js";

const TRACE = `100 execve("/bin/app", ["app"], 0x7ffd /* 3 vars */) = 0
100 geteuid() = 0
100 openat(AT_FDCWD, "/srv/conf", O_RDONLY) = 3
100 openat(AT_FDCWD, "/tmp/tmp.AbC3eFgH1j", O_RDWR|O_CREAT|O_EXCL, 0600) = 4
100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 5
100 exit_group(0) = ?
100 +++ exited with 0 +++
`;

const run = (argv: string[], stdinText = "") => runIn(process.cwd(), argv, {}, stdinText);

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-apparmor-"));
  writeFileSync(join(dir, "app.strace"), TRACE);
  return dir;
}

describe("profilesmith apparmor", () => {
  it("prints help with examples", async () => {
    const { code, out } = await run(["apparmor", "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith apparmor/);
    expect(out).toContain("Examples:");
  });

  it("writes the same bytes and warnings on one thread and on several (-ff folders and traces read side by side)", async () => {
    const inputs = ["test/fixtures/strace/pipeline-ff", "test/fixtures/strace/thread-execve-ff", "test/fixtures/strace/attach-sleep.trace"];
    const serial = await run(["apparmor", ...inputs, "--name", "app", "--jobs", "1"]);
    const parallel = await run(["apparmor", ...inputs, "--name", "app", "--jobs", "3"]);
    expect(serial.code).toBe(0);
    expect(parallel).toEqual(serial);
  });

  it("refuses --jobs that is not a whole number of threads", async () => {
    const dir = workdir();
    for (const jobs of ["0", "two"]) {
      const { code, err } = await run(["apparmor", join(dir, "app.strace"), "--name", "app", "--jobs", jobs]);
      expect(code).toBe(2);
      expect(err).toMatch(/^profilesmith apparmor: --jobs ".*" is not a whole number of threads/);
    }
  });

  it("reads a -ff folder by pid, so a child inherits the working directory of a parent whose pid has fewer digits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "profilesmith-apparmor-ff-"));
    const ff = join(dir, "ff");
    mkdirSync(ff);
    writeFileSync(join(ff, "trace.999"), 'chdir("/srv") = 0\nclone(child_stack=NULL, flags=SIGCHLD) = 1000\n');
    writeFileSync(join(ff, "trace.1000"), 'openat(AT_FDCWD, "data", O_RDONLY) = 3\n');
    for (const jobs of ["1", "2"]) {
      const { code, out } = await run(["apparmor", ff, "--name", "app", "--jobs", jobs]);
      expect(code).toBe(0);
      expect(out).toContain("  /srv/data r,\n");
    }
  });

  it("writes the profile of a trace to stdout, reading symlinks.json beside the trace", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "symlinks.json"), JSON.stringify({ "/bin": "usr/bin" }));
    const { code, out, err } = await run(["apparmor", join(dir, "app.strace"), "--name", "app"]);
    expect({ code, err }).toEqual({ code: 0, err: "profilesmith apparmor: note: no --root: the #! interpreters of scripts the workload ran are not added\n" });
    expect(out).toMatch(/^abi <abi\/3\.0>,\ninclude <tunables\/global>\n\nprofile app flags=\(attach_disconnected,mediate_deleted\) \{\n/);
    expect(out).toContain("  /usr/bin/app ix,\n");
    expect(out).toContain("  /srv/conf r,\n");
    expect(out).toContain("  owner /tmp/tmp.?????????? rw,\n");
    expect(out).toContain("  network inet stream,\n");
    expect(out).toContain("  capability dac_override,\n");
  });

  it("reads relative trace, allowlist and symlinks.json paths from its cwd, and verify --apparmor reads symlinks.json too", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "symlinks.json"), JSON.stringify({ "/bin": "usr/bin" }));
    writeFileSync(join(dir, "extra.yaml"), "version: 1\napparmor:\n  files:\n    - path: /srv/extra\n      perms: r\n");
    const made = await runIn(dir, ["apparmor", "app.strace", "--allow", "extra.yaml", "--name", "app", "-o", "app.apparmor"], {});
    expect(made.code, made.err).toBe(0);
    const profile = readFileSync(join(dir, "app.apparmor"), "utf8");
    expect(profile).toContain("  /usr/bin/app ix,\n");
    expect(profile).toContain("  /srv/extra r,\n");
    const verified = await runIn(dir, ["verify", "--apparmor", "app.apparmor", "app.strace"], {});
    expect({ code: verified.code, out: verified.out }).toMatchObject({ code: 0 });
    expect(verified.err).not.toContain("not resolved through symlinks");
  });

  it("reads stdin, drops implicit capabilities on request, explains globs on stderr, writes -o atomically", async () => {
    const dir = workdir();
    const output = join(dir, "out", "app.apparmor");
    const { code, err } = await run(["apparmor", "-", "--name", "app", "--no-implicit-caps", "--explain", "-o", output], TRACE);
    expect(code).toBe(2);
    expect(err).toMatch(/\nprofilesmith apparmor: .*out\/app\.apparmor: cannot write \(ENOENT\)\n$/);
    expect(existsSync(output)).toBe(false);
    const ok = await run(["apparmor", "-", "--name", "app", "--no-implicit-caps", "--explain", "-o", join(dir, "app.apparmor")], TRACE);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe("");
    expect(ok.err).toContain("/tmp/tmp.?????????? rw covers:\n  /tmp/tmp.AbC3eFgH1j\n");
    expect(ok.err).toContain("warning: 3 path(s) not resolved through symlinks");
    const text = readFileSync(join(dir, "app.apparmor"), "utf8");
    expect(text).not.toContain("capability");
  });

  it("gives the same bytes for the same inputs", async () => {
    const dir = workdir();
    const a = await run(["apparmor", join(dir, "app.strace"), "--name", "app", "--root", "/"]);
    const b = await run(["apparmor", join(dir, "app.strace"), "--name", "app", "--root", "/"]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  });

  it.each([
    [["--name", "bad name"], /^profilesmith apparmor: profile name "bad name": use letters, digits, _ \. -/],
    [["--name", "x/y"], /^profilesmith apparmor: profile name "x\/y"/],
    [[], /--name NAME is required/],
    [["--name", "app", "--root", "/nonexistent-root"], /--root \/nonexistent-root: not a directory/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const dir = workdir();
    const { code, out, err } = await run(["apparmor", join(dir, "app.strace"), ...args]);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(message);
    expect(err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuses no input at all", async () => {
    const { code, err } = await run(["apparmor", "--name", "app"]);
    expect(code).toBe(2);
    expect(err).toContain("give at least one trace");
  });
});
