import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProfiles } from "../../src/check/check.js";
import { parseManifest } from "../../src/check/manifest.js";
import { InputError } from "../../src/errors.js";
import { record, RECORD_FILES } from "../../src/record/index.js";
import { parseSymlinks } from "../../src/record/symlinks.js";
import { readSeccompProfile } from "../../src/seccomp/generate.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { requireTools } from "../support/tools.js";
import { runIn, testIo } from "../support/cli.js";

const missing = requireTools("profilesmith record", "strace", "python3");
const canParse = requireTools("recorded AppArmor profiles through apparmor_parser", "apparmor_parser").length === 0;

function workdir(): string {
  return mkdtempSync(join(tmpdir(), "profilesmith-record-"));
}

/** A PATH holding only a `strace` whose ptrace calls all fail with EPERM, as where ptrace is not permitted. */
function ptraceDeniedPath(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const realStrace = join("/usr/bin", "strace");
  writeFileSync(
    join(bin, "strace"),
    `#!/bin/sh\nexec ${realStrace} -f -qq -o /dev/null -e trace=ptrace -e inject=ptrace:error=EPERM -- ${realStrace} "$@"\n`,
  );
  chmodSync(join(bin, "strace"), 0o755);
  return `${bin}:${process.env.PATH}`;
}

/** Waits until `read()` contains `text`. */
async function waitFor(read: () => string, text: string): Promise<void> {
  while (!read().includes(text)) await new Promise((done) => setTimeout(done, 20));
}

const PYTHON_SLEEPER = [
  "import signal, sys, time",
  "signal.signal(signal.SIGTERM, lambda *_: sys.exit(7))",
  "print('ready', flush=True)",
  "time.sleep(60)",
].join("\n");

describe.skipIf(missing.length)("profilesmith record", () => {
  it("passes the command's stdio and exit status through and writes trace, symlinks, profile and a fresh manifest", async () => {
    const dir = workdir();
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "target.txt"), "hello\n");
    symlinkSync("target.txt", join(dir, "data", "link.txt"));
    const { code, out, err } = await runIn(dir, ["record", "--name", "cat", "--", "sh", "-c", "cat data/link.txt; cat; exit 3"], process.env, "from stdin\n");
    expect(out).toBe("hello\nfrom stdin\n");
    expect(code).toBe(3);
    expect(err).toContain("profilesmith record: sh exited with 3; wrote profilesmith-cat/profilesmith.yaml, profilesmith-cat/trace.strace");

    const recorded = join(dir, "profilesmith-cat");
    const manifest = parseManifest(readFileSync(join(recorded, RECORD_FILES.manifest), "utf8"), "m");
    expect(manifest.content).toMatchObject({
      name: "cat",
      traces: ["trace.strace"],
      profiles: [
        { kind: "seccomp", output: "seccomp.json" },
        { kind: "apparmor", output: "apparmor.profile", symlinks: ["symlinks.json"], implicitCapabilities: true },
      ],
    });
    expect(readFileSync(join(recorded, RECORD_FILES.trace), "utf8")).toMatch(/^\d+ +\[ *59\] execve\("\/usr\/bin\/sh"/);

    const symlinks = parseSymlinks(readFileSync(join(recorded, RECORD_FILES.symlinks), "utf8"), "s");
    expect(symlinks.get(join(dir, "data", "link.txt"))).toBe("target.txt");

    const { profile } = readSeccompProfile(readFileSync(join(recorded, RECORD_FILES.seccomp), "utf8"), "seccomp.json");
    expect(evaluate(profile, "x86_64", "execve")).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "ptrace")).toEqual({ action: "errno", errno: 1 });

    // The AppArmor profile is named after the workload and reads the file the link resolved to, as the kernel mediates it.
    const apparmor = readFileSync(join(recorded, RECORD_FILES.apparmor), "utf8");
    expect(apparmor).toContain("\nprofile cat flags=(attach_disconnected,mediate_deleted) {\n");
    expect(apparmor).toContain(`\n  ${join(dir, "data", "target.txt")} r,\n`);
    expect(apparmor).not.toContain("link.txt");
    expect(apparmor).toMatch(/^ {2}\/usr\/bin\/cat ix,$/m);
    if (canParse) expect(runApparmorParser(apparmor)).toMatchObject({ status: 0 });

    const checked = await checkProfiles(recorded);
    expect(checked.map((p) => [p.entry.kind, p.status])).toEqual([
      ["seccomp", "fresh"],
      ["apparmor", "fresh"],
    ]);
  });

  it("runs a command given by a relative path by its absolute path, so the AppArmor profile can name it", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "app.sh"), "#!/bin/sh\necho ran\n");
    chmodSync(join(dir, "app.sh"), 0o755);
    const { code, out, err } = await runIn(dir, ["record", "-o", "out", "--", "./app.sh"]);
    expect(out).toBe("ran\n");
    expect(code).toBe(0);
    expect(err).not.toContain("not resolved");
    expect(readFileSync(join(dir, "out", RECORD_FILES.trace), "utf8")).toContain(`execve(${JSON.stringify(join(dir, "app.sh"))}`);
    expect(readFileSync(join(dir, "out", RECORD_FILES.apparmor), "utf8")).toContain(`\n  ${join(dir, "app.sh")} rix,\n`);
  });

  it("names the directory after the command by default, and -o replaces an earlier recording", async () => {
    const dir = workdir();
    expect((await runIn(dir, ["record", "/usr/bin/true"])).code).toBe(0);
    expect(existsSync(join(dir, "profilesmith-true", RECORD_FILES.seccomp))).toBe(true);
    expect((await runIn(dir, ["record", "-o", "out", "--", "true"])).code).toBe(0);
    expect((await runIn(dir, ["record", "-o", "out", "--", "sh", "-c", "exit 0"])).code).toBe(0);
    expect(readFileSync(join(dir, "out", RECORD_FILES.trace), "utf8")).toContain('execve("/usr/bin/sh"');
  });

  it("keeps a manifest already in the directory, with its options, and refuses one that would ignore the new trace", async () => {
    const dir = workdir();
    expect((await runIn(dir, ["record", "-o", "out", "--", "true"])).code).toBe(0);
    const manifest = join(dir, "out", RECORD_FILES.manifest);
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("format: docker", "format: spo"));
    const again = await runIn(dir, ["record", "-o", "out", "--name", "other", "--", "true"]);
    expect(again.code).toBe(0);
    expect(again.err).toContain("wrote out/trace.strace, out/symlinks.json, out/seccomp.json, out/apparmor.profile\n");
    expect(readFileSync(join(dir, "out", RECORD_FILES.apparmor), "utf8")).toContain("\nprofile true flags=");
    expect(readFileSync(join(dir, "out", RECORD_FILES.seccomp), "utf8")).toContain(`kind: SeccompProfile\nmetadata:\n  name: "true"\n`);

    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("- trace.strace", "- old.strace"));
    const refused = await runIn(dir, ["record", "-o", "out", "--", "echo", "not run"]);
    expect(refused).toMatchObject({ code: 2, out: "" });
    expect(refused.err).toContain("profilesmith.yaml: does not list trace.strace");
  });

  it("forwards SIGTERM to the command and still writes the profile", async () => {
    const dir = workdir();
    const { io, output } = testIo(dir);
    const recording = record({ command: "python3", args: ["-c", PYTHON_SLEEPER], dir: "out", name: "sleeper" }, io);
    await waitFor(() => output.out, "ready");
    process.kill(process.pid, "SIGTERM");
    const result = await recording;
    expect(result.status).toBe(7);
    expect(existsSync(join(dir, "out", RECORD_FILES.seccomp))).toBe(true);
  });

  it("reports a command killed by a signal as 128 + its number", async () => {
    const dir = workdir();
    const { io } = testIo(dir);
    const result = await record({ command: "sh", args: ["-c", "kill -KILL $$"], dir: "out", name: "killed" }, io);
    expect(result.status).toBe(128 + 9);
  });

  it("exits 2 and writes nothing when the command does not start", async () => {
    const dir = workdir();
    const notFound = await runIn(dir, ["record", "-o", "out", "--", "no-such-command-here"]);
    expect(notFound.code).toBe(2);
    expect(notFound.err).toContain("strace: Can't stat 'no-such-command-here'");
    expect(notFound.err).toContain("profilesmith record: no-such-command-here: did not start (strace says why above); nothing was written");
    const notExecutable = await runIn(dir, ["record", "-o", "out", "--", "/etc/hostname"]);
    expect(notExecutable.code).toBe(2);
    expect(notExecutable.err).toContain("/etc/hostname: did not start");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("says how to install strace when it is missing", async () => {
    const dir = workdir();
    const { code, err } = await runIn(dir, ["record", "--", "true"], { PATH: join(dir, "empty") });
    expect(code).toBe(2);
    expect(err).toBe("profilesmith record: strace is not installed or not on PATH (Debian/Ubuntu: apt-get install strace)\n");
  });

  it("says so when ptrace is not permitted", async () => {
    const dir = workdir();
    const { io } = testIo(dir, { PATH: ptraceDeniedPath(dir) });
    const recording = record({ command: "true", args: [], dir: "out", name: "true" }, io);
    await expect(recording).rejects.toThrow(InputError);
    await expect(recording).rejects.toThrow(/ptrace is not permitted.*SYS_PTRACE/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("refuses bad usage with exit 2", async () => {
    const dir = workdir();
    expect(await runIn(dir, ["record"])).toMatchObject({ code: 2, err: expect.stringContaining("give the command to record") });
    expect((await runIn(dir, ["record", "--frobnicate", "--", "true"])).code).toBe(2);
    expect(await runIn(dir, ["record", "--name", "Bad Name", "--", "true"])).toMatchObject({ code: 2, err: expect.stringContaining("--name") });
    expect((await runIn(dir, ["record", "-o"])).code).toBe(2);
  });
});
