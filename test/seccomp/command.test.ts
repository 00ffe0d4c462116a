import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { readSeccompProfile } from "../../src/seccomp/generate.js";
import { runIn } from "../support/cli.js";

const TRACE = `100 execve("/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
100 brk(NULL) = 0x55d0c000
100 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 4
100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101
101 exit_group(0) = ?
101 +++ exited with 0 +++
100 exit_group(0) = ?
100 +++ exited with 0 +++
`;

const run = (argv: string[], stdinText = "") => runIn(process.cwd(), argv, {}, stdinText);

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-seccomp-"));
  writeFileSync(join(dir, "app.strace"), TRACE);
  return dir;
}

describe("profilesmith seccomp", () => {
  it("prints help with examples", async () => {
    const { code, out } = await run(["seccomp", "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith seccomp/);
    expect(out).toContain("Examples:");
  });

  it("writes a Docker profile of a trace to stdout", async () => {
    const dir = workdir();
    const { code, out, err } = await run(["seccomp", join(dir, "app.strace"), "--runtime", "none"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const { profile } = readSeccompProfile(out, "out.json");
    expect(evaluate(profile, "x86_64", "openat")).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "socket", [2])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "socket", [16])).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "x86_64", "ptrace")).toEqual({ action: "errno", errno: 1 });
  });

  it("reads stdin for -, writes a file atomically, and gives the same bytes for the same input", async () => {
    const dir = workdir();
    const target = join(dir, "profile.json");
    const fromFile = await run(["seccomp", join(dir, "app.strace"), "--runtime", "none", "--format", "oci"]);
    const fromStdin = await run(["seccomp", "-", "--runtime", "none", "--format", "oci", "-o", target], TRACE);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.out).toBe("");
    expect(readFileSync(target, "utf8")).toBe(fromFile.out);
    expect(readdirSync(dir).sort()).toEqual(["app.strace", "profile.json"]);
  });

  it("writes an SPO resource with --name and honours --arch, --no-args, --no-vdso and --default-action", async () => {
    const dir = workdir();
    const { code, out } = await run([
      "seccomp", join(dir, "app.strace"), "--runtime", "none", "--format", "spo", "--name", "app",
      "--arch", "aarch64", "--no-args", "--no-vdso", "--default-action", "kill-process",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("name: app\n");
    const { profile } = readSeccompProfile(out, "out.yaml");
    expect(profile.arches).toEqual(["aarch64"]);
    expect(evaluate(profile, "aarch64", "socket", [16])).toEqual({ action: "allow" });
    expect(evaluate(profile, "aarch64", "clock_gettime")).toEqual({ action: "kill-process" });
  });

  it("exits 2 with one line naming the problem, writing nothing", async () => {
    const dir = workdir();
    const target = join(dir, "out.json");
    for (const argv of [
      ["seccomp"],
      ["seccomp", join(dir, "app.strace"), "--format", "xml", "-o", target],
      ["seccomp", join(dir, "app.strace"), "--arch", "mips", "-o", target],
      ["seccomp", join(dir, "app.strace"), "--frobnicate", "-o", target],
      ["seccomp", join(dir, "missing.strace"), "-o", target],
      ["seccomp", join(dir, "app.strace"), "--name", "x", "-o", target],
      ["seccomp", join(dir, "app.strace"), "--jobs", "0", "-o", target],
      ["seccomp", join(dir, "app.strace"), "--jobs", "two", "-o", target],
    ]) {
      const { code, err } = await run(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(err.trim().split("\n"), argv.join(" ")).toHaveLength(1);
      expect(err).toMatch(/^profilesmith seccomp: /);
    }
    expect(readdirSync(dir)).toEqual(["app.strace"]);
  });

  it("writes the same bytes and warnings on one thread and on several (a -ff folder and traces read side by side)", async () => {
    const inputs = ["test/fixtures/strace/pipeline-ff", "test/fixtures/strace/thread-execve-ff", "test/fixtures/strace/attach-sleep.trace"];
    const serial = await run(["seccomp", ...inputs, "--jobs", "1"]);
    const parallel = await run(["seccomp", ...inputs, "--jobs", "3"]);
    expect(serial.code).toBe(0);
    expect(parallel).toEqual(serial);
  });

  it("reads a trace from a pipe, as from <(…), as from the file", async () => {
    const dir = workdir();
    const fifo = join(dir, "trace.fifo");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", 'cat "$0" > "$1"', join(dir, "app.strace"), fifo]);
    const written = new Promise((resolve) => writer.on("close", resolve));
    const piped = await run(["seccomp", fifo]);
    await written;
    const fromFile = await run(["seccomp", join(dir, "app.strace")]);
    expect(piped.code, piped.err).toBe(0);
    expect(piped.out).toBe(fromFile.out);
  });

  it("merges allowlists: their allows and rules add, their denies win over the trace", async () => {
    const dir = workdir();
    writeFileSync(
      join(dir, "extra.yaml"),
      "version: 1\nseccomp:\n  allow: [getrandom]\n  deny: [socket]\n  rules: [{ names: [personality], args: [{ index: 0, op: EQ, value: 8 }] }]\n",
    );
    const { code, out } = await run(["seccomp", join(dir, "app.strace"), "--allow", join(dir, "extra.yaml"), "--runtime", "none"]);
    expect(code).toBe(0);
    const { profile } = readSeccompProfile(out, "out.json");
    expect(evaluate(profile, "x86_64", "getrandom")).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "socket", [2])).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "x86_64", "personality", [8])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "personality", [0])).toEqual({ action: "errno", errno: 1 });
  });

  it("warns about lines it cannot parse, and fails on them with --strict", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "odd.strace"), `${TRACE}this is not strace output\n`);
    const lenient = await run(["seccomp", join(dir, "odd.strace"), "--runtime", "none"]);
    expect(lenient.code).toBe(0);
    expect(lenient.err).toMatch(/1 line\(s\) not understood/);
    const strict = await run(["seccomp", join(dir, "odd.strace"), "--runtime", "none", "--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.err).toMatch(/odd\.strace:10: /);
  });
});
