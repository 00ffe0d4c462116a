import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../src/index.js";
import { seccompRecord } from "./log.js";
import { runIn } from "../support/cli.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "profilesmith-refine-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runIn(dir, argv, {});

const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), "utf8");

async function complainProfile(format = "docker", ...extra: string[]): Promise<void> {
  writeFileSync(file("allow.yaml"), "version: 1\nseccomp:\n  allow: [read, write, exit_group]\n");
  const made = await run("seccomp", "--allow", file("allow.yaml"), "--arch", "x86_64", "--runtime", "none", "--complain", "--format", format, "-o", "p", ...extra);
  expect(made.code).toBe(0);
}

describe("profilesmith seccomp --complain", () => {
  it("makes the profile with a SCMP_ACT_LOG default and the same rules", async () => {
    await complainProfile();
    const profile = JSON.parse(read("p")) as { defaultAction: string; syscalls: { names: string[]; action: string; errnoRet?: number }[] };
    expect(profile.defaultAction).toBe("SCMP_ACT_LOG");
    expect(profile.syscalls.find((rule) => rule.names.includes("read"))?.action).toBe("SCMP_ACT_ALLOW");
    // The enforcing profile's ENOSYS answers stay, so the workload takes the same paths.
    expect(profile.syscalls.find((rule) => rule.names.includes("clone3"))).toMatchObject({ action: "SCMP_ACT_ERRNO", errnoRet: 38 });
  });

  it("accepts --default-action log, which it means anyway", async () => {
    await complainProfile("docker", "--default-action", "log");
    expect(JSON.parse(read("p"))).toMatchObject({ defaultAction: "SCMP_ACT_LOG" });
  });

  it("keeps an allowlist's denies denied (EPERM), and refine leaves them", async () => {
    writeFileSync(file("deny.yaml"), "version: 1\nseccomp:\n  allow: [read]\n  deny: [ptrace]\n");
    expect((await run("seccomp", "--allow", file("deny.yaml"), "--arch", "x86_64", "--runtime", "none", "--complain", "-o", "p")).code).toBe(0);
    const profile = JSON.parse(read("p")) as { syscalls: { names: string[]; action: string; errnoRet?: number }[] };
    expect(profile.syscalls.find((rule) => rule.names.includes("ptrace"))).toMatchObject({ action: "SCMP_ACT_ERRNO", errnoRet: 1 });
    writeFileSync(file("dmesg.txt"), `${seccompRecord("ptrace")}\n`);
    const refined = await run("refine", "p", "--from-audit", "dmesg.txt");
    expect(refined.code).toBe(1);
    expect(refined.err).toContain("ptrace (x86_64): 1 record, first at dmesg.txt:1, left unchanged: a rule of the profile refuses it (errno)");
  });

  it("refuses --default-action other than log", async () => {
    const { code, err } = await run("seccomp", "--allow", "x.yaml", "--complain", "--default-action", "kill-process");
    expect(code).toBe(2);
    expect(err).toContain("cannot be combined with --default-action kill-process");
  });
});

describe("profilesmith refine", () => {
  it("adds what the log shows, says what and why, refines in place, and changes nothing the second time", async () => {
    await complainProfile();
    writeFileSync(file("dmesg.txt"), [seccompRecord("uname"), seccompRecord("getuid"), seccompRecord("getuid"), ""].join("\n"));
    const first = await run("refine", "p", "--from-audit", "dmesg.txt");
    expect(first.code).toBe(0);
    expect(first.out).toBe(
      [
        "added getuid (x86_64): 2 records, first at dmesg.txt:2",
        "added uname (x86_64): 1 record, first at dmesg.txt:1",
        "default action: SCMP_ACT_ERRNO (EPERM), was SCMP_ACT_LOG (complain mode)",
        "",
      ].join("\n"),
    );
    const refined = read("p");
    expect(JSON.parse(refined)).toMatchObject({ defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1 });
    const second = await run("refine", "p", "--from-audit", "dmesg.txt");
    expect(second).toMatchObject({ code: 0, out: "nothing to add\n" });
    expect(read("p")).toBe(refined);
  });

  it("keeps the rest of a SeccompProfile resource and writes -o in the input's format", async () => {
    await complainProfile("spo", "--name", "my-app");
    writeFileSync(file("dmesg.txt"), `${seccompRecord("uname")}\n`);
    const before = read("p");
    expect((await run("refine", "p", "--from-audit", "dmesg.txt", "-o", "out.yaml", "--keep-complain")).code).toBe(0);
    expect(read("p")).toBe(before);
    const resource = parse(read("out.yaml")) as { metadata: { name: string }; spec: { defaultAction: string; syscalls: { names: string[] }[] } };
    expect(resource.metadata.name).toBe("my-app");
    expect(resource.spec.defaultAction).toBe("SCMP_ACT_LOG");
    expect(resource.spec.syscalls.some((rule) => rule.names.includes("uname"))).toBe(true);
  });

  it("refines the linux.seccomp of a whole config.json and keeps the rest", async () => {
    await complainProfile("oci");
    writeFileSync(file("config.json"), JSON.stringify({ ociVersion: "1.0.2", linux: { namespaces: [], seccomp: JSON.parse(read("p")) } }));
    writeFileSync(file("dmesg.txt"), `${seccompRecord("uname")}\n`);
    expect((await run("refine", "config.json", "--from-audit", "dmesg.txt")).code).toBe(0);
    const config = JSON.parse(read("config.json")) as { ociVersion: string; linux: { namespaces: unknown[]; seccomp: { defaultAction: string } } };
    expect(config).toMatchObject({ ociVersion: "1.0.2", linux: { namespaces: [], seccomp: { defaultAction: "SCMP_ACT_ERRNO" } } });
  });

  it("reads the log from stdin with -", async () => {
    await complainProfile();
    const stdin = new PassThrough();
    stdin.end(`${seccompRecord("uname")}\n`);
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (chunk) => (out += chunk));
    const code = await runCli(["refine", "p", "--from-audit", "-"], { stdin, stdout, stderr: new PassThrough(), env: {}, cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain("added uname (x86_64): 1 record, first at <stdin>:1");
  });

  it("filters records by comm and pid", async () => {
    await complainProfile();
    writeFileSync(file("dmesg.txt"), [seccompRecord("uname", { comm: "other" }), seccompRecord("getuid", { pid: 7 }), ""].join("\n"));
    const { code, out } = await run("refine", "p", "--from-audit", "dmesg.txt", "--comm", "app", "--pid", "7", "-o", "-");
    expect(code).toBe(0);
    expect(out).toContain('"getuid"');
    expect(out).not.toContain('"uname"');
  });

  it("exits 1 naming an argument-restricted call, and still writes the rest", async () => {
    writeFileSync(file("t.strace"), '1 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3\n1 exit_group(0) = ?\n');
    expect((await run("seccomp", file("t.strace"), "--runtime", "none", "--complain", "-o", "p")).code).toBe(0);
    writeFileSync(file("dmesg.txt"), [seccompRecord("socket"), seccompRecord("uname"), ""].join("\n"));
    const { code, out, err } = await run("refine", "p", "--from-audit", "dmesg.txt");
    expect(code).toBe(1);
    expect(err).toMatch(/socket \(x86_64\): 1 record, first at dmesg\.txt:1, left unchanged: the profile allows it only where arg0 EQ 2/);
    expect(err).toContain("add an allowlist rule (seccomp: {rules: [{names: [socket]");
    expect(out).toContain("added uname (x86_64)");
    expect(read("p")).toContain('"uname"');
  });

  it("refuses a Docker profile whose rules depend on capabilities (it could not write them back)", async () => {
    const docker = readFileSync(new URL("../seccomp/docker-default.json", import.meta.url), "utf8");
    writeFileSync(file("default.json"), docker);
    writeFileSync(file("dmesg.txt"), `${seccompRecord("uname")}\n`);
    const { code, err } = await run("refine", "default.json", "--from-audit", "dmesg.txt");
    expect(code).toBe(2);
    expect(err).toMatch(/^profilesmith refine: default\.json: syscalls\[\d+\]\.(includes|excludes)\.\w+: refine cannot write back/);
    expect(read("default.json")).toBe(docker);
  });

  it("refuses bad usage and unreadable input with exit 2, writing nothing", async () => {
    expect((await run("refine", "p")).code).toBe(2);
    expect((await run("refine", "--from-audit", "x")).code).toBe(2);
    const missing = await run("refine", "p", "--from-audit", "dmesg.txt");
    expect(missing).toMatchObject({ code: 2, err: "profilesmith refine: p: cannot read (no such file)\n" });
    await complainProfile();
    const before = read("p");
    const noLog = await run("refine", "p", "--from-audit", "nope.txt");
    expect(noLog).toMatchObject({ code: 2, err: "profilesmith refine: nope.txt: cannot read (no such file)\n" });
    expect(read("p")).toBe(before);
    expect((await run("refine", "p", "--from-audit", "x", "--pid", "abc")).code).toBe(2);
  });
});
