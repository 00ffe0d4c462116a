import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { lintSeccomp, writtenRules } from "../../src/lint/index.js";
import { satisfying } from "../../src/lint/witness.js";
import type { ArgCondition } from "../../src/policy/model.js";
import { conditionHolds } from "../../src/seccomp/evaluate.js";
import { readSeccompProfile } from "../../src/seccomp/generate.js";
import { run, workdir } from "../verify/support.js";

const ERRNO = { action: "SCMP_ACT_ERRNO", errnoRet: 1 };

/** A Docker profile for x86_64 with every kind of finding, one each. */
const RISKY = {
  defaultAction: "SCMP_ACT_ERRNO",
  defaultErrnoRet: 1,
  architectures: ["SCMP_ARCH_X86_64"],
  syscalls: [
    { names: ["read", "write", "ptrace", "clone", "socket", "opne", "mseal"], action: "SCMP_ACT_ALLOW" },
    { names: ["mount"], ...ERRNO },
    { names: ["unshare"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0x7e020080, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
  ],
};

function lintOf(document: object, file = "p.json") {
  const text = JSON.stringify(document);
  const { profile } = readSeccompProfile(text, file);
  return lintSeccomp(profile, { written: writtenRules(text, file, profile) });
}

describe("lintSeccomp", () => {
  it("finds risky allowances, unknown and too-new names, and no-op rules", () => {
    const lint = lintOf(RISKY);
    expect(lint.findings.map((f) => [f.check, f.subject, f.arches.join(",")])).toEqual([
      ["risky", "clone", "x86_64"],
      ["risky", "ptrace", "x86_64"],
      ["risky", "socket", "x86_64"],
      ["unknown-name", "p.json: syscalls[0].names[5]", "x86_64"],
      ["too-new", "mseal", "x86_64"],
      ["no-op", "p.json: syscalls[1]", "x86_64"],
    ]);
    expect(lint.findings.map((f) => f.reason)).toEqual([
      "allowed with namespace flags (e.g. arg0 0x20000 (CLONE_NEWNS)): creates namespaces, the first step of many container escapes",
      "inspects and changes other processes' memory and registers",
      "allowed for every address family: restrict arg0 to the families the workload uses",
      '"opne" is not a syscall on x86_64: the rule cannot match it',
      "unknown to libseccomp 2.5.4: runc 1.1.5 and crun 1.8.1 drop the rule silently, so the call gets the default action (errno EPERM)",
      "its action (errno EPERM) is the default action: the rule does nothing (runc skips it)",
    ]);
  });

  it("finds nothing in a profile that narrows what it allows", () => {
    const lint = lintOf({
      defaultAction: "SCMP_ACT_ERRNO",
      architectures: ["SCMP_ARCH_X86_64"],
      syscalls: [
        { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
        { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2, op: "SCMP_CMP_EQ" }] },
        { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
        { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
      ],
    });
    expect(lint.findings).toEqual([]);
    expect(lint.reference).toEqual([
      { arch: "x86_64", allows: 4, referenceAllows: expect.any(Number), beyondReference: [] },
    ]);
  });

  it("names the risky socket families a profile lets through", () => {
    const lint = lintOf({
      defaultAction: "SCMP_ACT_ERRNO",
      architectures: ["SCMP_ARCH_X86_64"],
      syscalls: [{ names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 40, op: "SCMP_CMP_NE" }] }],
    });
    expect(lint.findings.map((f) => f.reason.split(":")[0])).toEqual([
      "allowed for AF_ALG (38)",
      "allowed for AF_KEY (15)",
      "allowed for AF_PACKET (17)",
      "allowed for AF_RDS (21)",
      "allowed for AF_TIPC (30)",
      "allowed for AF_XDP (44)",
    ]);
  });

  it("counts Docker's default profile against itself: nothing beyond it", () => {
    const lint = lintOf(readDocker(), "docker.json");
    expect(lint.reference.map((c) => c.arch)).toEqual(["x86_64", "aarch64", "x86", "x32", "arm"]);
    for (const comparison of lint.reference) {
      expect(comparison.beyondReference).toEqual([]);
      expect(comparison.allows).toBe(comparison.referenceAllows);
      expect(comparison.allows).toBeGreaterThan(250);
    }
    expect(lint.findings.filter((f) => f.check === "risky").map((f) => f.subject)).toContain("ptrace");
  });

  it("lists what a profile allows beyond Docker's default", () => {
    const lint = lintOf({ defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"], syscalls: [{ names: ["read", "bpf", "kexec_load"], action: "SCMP_ACT_ALLOW" }] });
    expect(lint.reference[0]).toMatchObject({ arch: "x86_64", allows: 3, beyondReference: ["bpf", "kexec_load"] });
  });

  it("proposes only values a condition admits, with the wanted bits set (law)", () => {
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    const safe = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const condition: fc.Arbitrary<ArgCondition> = fc.oneof(
      fc.record({ index: fc.constant(0), op: fc.constantFrom("EQ", "NE", "LT", "LE", "GT", "GE" as const), value: safe }),
      fc.record({ index: fc.constant(0), op: fc.constant("MASKED_EQ" as const), value: safe, valueTwo: safe }),
    ) as fc.Arbitrary<ArgCondition>;
    fc.assert(
      fc.property(condition, fc.oneof(fc.constant(0n), u64.map((v) => v & 0xffn), u64), (c, bits) => {
        const value = satisfying(c, bits);
        if (value === undefined) return;
        expect(conditionHolds(c, value)).toBe(true);
        expect(value & bits).toBe(bits);
      }),
    );
  });
});

function readDocker(): object {
  return JSON.parse(readFileSync("profiles/reference/docker-default.json", "utf8")) as object;
}

describe("profilesmith lint", () => {
  it("prints help with examples", async () => {
    const { code, out } = await run(["lint", "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith lint FILE/);
    expect(out).toContain("Examples:");
  });

  it("prints one line per finding, a count and the comparison with Docker's default, and exits 1", async () => {
    const dir = workdir({ "p.json": JSON.stringify(RISKY, null, 2) });
    const file = join(dir, "p.json");
    const { code, out, err } = await run(["lint", file]);
    expect({ code, err }).toEqual({ code: 1, err: "" });
    const lines = out.split("\n");
    expect(lines.slice(0, 7)).toEqual([
      `${file}: clone: risky (x86_64): allowed with namespace flags (e.g. arg0 0x20000 (CLONE_NEWNS)): creates namespaces, the first step of many container escapes`,
      `${file}: ptrace: risky (x86_64): inspects and changes other processes' memory and registers`,
      `${file}: socket: risky (x86_64): allowed for every address family: restrict arg0 to the families the workload uses`,
      `${file}: syscalls[0].names[5]: unknown name (x86_64): "opne" is not a syscall on x86_64: the rule cannot match it`,
      `${file}: mseal: too new (x86_64): unknown to libseccomp 2.5.4: runc 1.1.5 and crun 1.8.1 drop the rule silently, so the call gets the default action (errno EPERM)`,
      `${file}: syscalls[1]: no-op rule (x86_64): its action (errno EPERM) is the default action: the rule does nothing (runc skips it)`,
      `${file}: 6 findings`,
    ]);
    expect(lines[8]).toBe("Compared with Docker's default profile (moby/profiles seccomp/default.json at cd3bed80, no added capabilities):");
    expect(lines[9]).toMatch(/^ {2}x86_64: allows 7 calls, Docker's \d+; beyond Docker's: unshare$/);
  });

  it("reads the SPO and OCI formats, with their field paths, and reports as JSON", async () => {
    const spec = { defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"], syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW" }, { names: ["write"], action: "SCMP_ACT_ERRNO" }] };
    const spo = stringify({ apiVersion: "security-profiles-operator.x-k8s.io/v1beta1", kind: "SeccompProfile", metadata: { name: "x" }, spec });
    const dir = workdir({ "p.yaml": spo, "config.json": JSON.stringify({ linux: { seccomp: spec } }) });
    const yaml = await run(["lint", join(dir, "p.yaml"), "--json"]);
    expect(yaml.code).toBe(1);
    expect(JSON.parse(yaml.out).findings).toEqual([
      { kind: "seccomp", check: "no-op", subject: `${join(dir, "p.yaml")}: spec.syscalls[1]`, arches: ["x86_64"], reason: expect.any(String) },
    ]);
    const config = await run(["lint", join(dir, "config.json")]);
    expect(config.out).toContain(`${join(dir, "config.json")}: linux.seccomp.syscalls[1]: no-op rule`);
  });

  it("exits 0 for a clean generated profile", async () => {
    const dir = workdir({});
    const profile = join(dir, "p.json");
    await run(["seccomp", "test/fixtures/strace/pipeline-f.trace", "-o", profile]);
    const { code, out } = await run(["lint", profile]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${profile}: no findings\n`));
  });

  const badCases: [string, (dir: string) => string[], RegExp][] = [
    ["no file", () => ["lint"], /exactly one profile FILE/],
    ["two files", (dir) => ["lint", join(dir, "p.json"), join(dir, "p.json")], /exactly one profile FILE/],
    ["an unknown option", (dir) => ["lint", join(dir, "p.json"), "--frobnicate"], /frobnicate/],
    ["a missing file", (dir) => ["lint", join(dir, "none.json")], /none\.json: cannot read \(no such file\)/],
    ["a directory", (dir) => ["lint", dir], /cannot read \(is a directory\)/],
    ["a file that is not a profile", (dir) => ["lint", join(dir, "bad.json")], /bad\.json:1: not JSON/],
    ["a rule naming no syscall", (dir) => ["lint", join(dir, "empty.json")], /empty\.json: syscalls\[0\]: names no syscall/],
  ];

  it.each(badCases)("exits 2 with one line naming the file for %s", async (_, argv, message) => {
    const dir = workdir({
      "p.json": JSON.stringify(RISKY),
      "bad.json": "{ syscalls: [",
      "empty.json": JSON.stringify({ defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: [], action: "SCMP_ACT_ALLOW" }] }),
    });
    const { code, out, err } = await run(argv(dir));
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^profilesmith lint: [^\n]*\n$/);
    expect(err).toMatch(message);
  });
});
