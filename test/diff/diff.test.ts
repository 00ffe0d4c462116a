import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffSeccomp } from "../../src/diff/index.js";
import type { TraceEvent } from "../../src/events/types.js";
import { readTraces } from "../../src/parse/index.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { formatProfile, generateSeccomp, readSeccompProfile, SECCOMP_FORMATS } from "../../src/seccomp/generate.js";
import { canonicalProfile, type SeccompProfile, type SeccompRule, type Verdict } from "../../src/seccomp/profile.js";
import { fixtureTraces, run, workdir } from "../verify/support.js";

async function profileFrom(paths: readonly string[]): Promise<SeccompProfile> {
  const events: TraceEvent[] = [];
  for await (const event of readTraces(paths, { strict: false }).events) events.push(event);
  return (await generateSeccomp({ traces: [events] })).profile;
}

const EPERM: Verdict = { action: "errno", errno: 1 };
const ALLOW: Verdict = { action: "allow" };

function profileOf(rules: SeccompRule[], defaultVerdict: Verdict = EPERM): SeccompProfile {
  return canonicalProfile({ defaultVerdict, arches: ["x86_64"], rules });
}

const rule = (name: string, verdict: Verdict, args: SeccompRule["args"] = []): SeccompRule => ({ arch: "x86_64", name, verdict, args });

describe("diffSeccomp", () => {
  it.each(fixtureTraces().slice(0, 12).map((f) => [f.name, f.paths] as const))(
    "finds the Docker, OCI and SPO renderings of %s's profile equal",
    async (_, paths) => {
      const profile = await profileFrom(paths);
      const read = SECCOMP_FORMATS.map((format) => readSeccompProfile(formatProfile(profile, format), `p.${format}`).profile);
      for (const other of read) expect(diffSeccomp(read[0] as SeccompProfile, other)).toEqual({ kind: "seccomp", same: true, arches: [] });
    },
  );

  it("ignores rules another rule overrides", () => {
    const a = profileOf([rule("read", ALLOW), rule("write", { action: "kill-process" }, [{ index: 0, op: "NE", value: 1 }])]);
    const b = profileOf([
      rule("read", ALLOW),
      rule("read", ALLOW, [{ index: 0, op: "EQ", value: 1 }]),
      rule("write", ALLOW, [{ index: 0, op: "NE", value: 1 }]),
      rule("write", { action: "kill-process" }, [{ index: 0, op: "NE", value: 1 }]),
    ]);
    expect(diffSeccomp(a, b).same).toBe(true);
  });

  it("reports calls only one side allows, differing conditions and differing errno values", () => {
    const a = profileOf([
      rule("read", ALLOW),
      rule("ptrace", ALLOW),
      rule("socket", ALLOW, [{ index: 0, op: "EQ", value: 2 }]),
      rule("clone3", { action: "errno", errno: 38 }),
    ]);
    const b = profileOf([rule("read", ALLOW), rule("socket", ALLOW, [{ index: 0, op: "EQ", value: 1 }]), rule("mount", ALLOW)]);
    const diff = diffSeccomp(a, b);
    expect(diff.same).toBe(false);
    expect(diff.arches).toHaveLength(1);
    expect(diff.arches[0]?.otherwiseDiffers).toBe(false);
    expect(diff.arches[0]?.calls.map((c) => c.syscall)).toEqual(["clone3", "mount", "ptrace", "socket"]);
  });

  it("reports an ABI only one side filters, and a different default", () => {
    const a = profileOf([rule("read", ALLOW)]);
    const b = canonicalProfile({ ...a, arches: ["x86_64", "x86"], defaultVerdict: { action: "kill-process" }, rules: [...a.rules, { ...rule("read", ALLOW), arch: "x86" }] });
    const diff = diffSeccomp(a, b);
    expect(diff.arches.map((d) => [d.arch, d.otherwiseDiffers, d.a.filtered, d.b.filtered])).toEqual([
      ["x86_64", true, true, true],
      ["x86", true, false, true],
    ]);
    expect(diff.arches[1]?.calls).toEqual([
      { syscall: "read", a: { rules: [], otherwise: { action: "kill-thread" } }, b: { rules: [], otherwise: ALLOW } },
    ]);
  });

  it("says two profiles are the same exactly when the evaluator cannot tell them apart (law)", () => {
    const names = ["read", "socket", "clone"];
    const verdict = fc.constantFrom<Verdict>(ALLOW, EPERM, { action: "errno", errno: 38 }, { action: "kill-process" });
    const condition = fc.record({ index: fc.constant(0), op: fc.constantFrom("EQ" as const, "NE" as const), value: fc.integer({ min: 0, max: 3 }) });
    const rules = fc.array(
      fc.record({ name: fc.constantFrom(...names), verdict, args: fc.oneof(fc.constant([]), condition.map((c) => [c])) }),
      { maxLength: 4 },
    );
    const profile = fc.tuple(rules, verdict).map(([rs, dflt]) => profileOf(rs.map((r) => rule(r.name, r.verdict, r.args)), dflt));
    fc.assert(
      fc.property(profile, profile, (a, b) => {
        const evaluatorAgrees = names.every((name) =>
          [0, 1, 2, 3, 4].every((value) => JSON.stringify(evaluate(a, "x86_64", name, [value])) === JSON.stringify(evaluate(b, "x86_64", name, [value]))),
        ) && JSON.stringify(a.defaultVerdict) === JSON.stringify(b.defaultVerdict);
        expect(diffSeccomp(a, a).same).toBe(true);
        expect(diffSeccomp(a, b).same).toBe(diffSeccomp(b, a).same);
        if (diffSeccomp(a, b).same) expect(evaluatorAgrees).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("profilesmith diff", () => {
  it("prints help with examples", async () => {
    const { code, out } = await run(["diff", "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith diff A B/);
    expect(out).toContain("Examples:");
  });

  it("exits 0 for a Docker and an OCI rendering of one profile", async () => {
    const dir = workdir({});
    const trace = "test/fixtures/strace/python-threads.trace";
    await run(["seccomp", trace, "-o", join(dir, "p.json")]);
    await run(["seccomp", trace, "--format", "oci", "-o", join(dir, "p.oci.json")]);
    const { code, out } = await run(["diff", join(dir, "p.json"), join(dir, "p.oci.json")]);
    expect(code).toBe(0);
    expect(out).toBe(`${join(dir, "p.json")} and ${join(dir, "p.oci.json")} answer every call alike\n`);
  });

  it("prints what each side allows that the other does not, and exits 1", async () => {
    const dir = workdir({
      "a.json": JSON.stringify({
        defaultAction: "SCMP_ACT_ERRNO",
        architectures: ["SCMP_ARCH_X86_64"],
        syscalls: [
          { names: ["read", "ptrace", "bpf"], action: "SCMP_ACT_ALLOW" },
          { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2, op: "SCMP_CMP_EQ" }] },
          { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
        ],
      }),
      "b.json": JSON.stringify({
        defaultAction: "SCMP_ACT_ERRNO",
        architectures: ["SCMP_ARCH_X86_64"],
        syscalls: [
          { names: ["read", "mount"], action: "SCMP_ACT_ALLOW" },
          { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] },
        ],
      }),
    });
    const [a, b] = [join(dir, "a.json"), join(dir, "b.json")];
    const { code, out } = await run(["diff", a, b]);
    expect(code).toBe(1);
    expect(out.split("\n")).toEqual([
      `x86_64: only ${a} allows: bpf, ptrace`,
      `x86_64: only ${b} allows: mount`,
      `x86_64 clone3: ${a}: errno ENOSYS | ${b}: errno EPERM`,
      `x86_64 socket: ${a}: allow when arg0 == 2 (AF_INET); otherwise errno EPERM | ${b}: allow when arg0 == 1 (AF_UNIX); otherwise errno EPERM`,
      "",
    ]);
    const json = JSON.parse((await run(["diff", a, b, "--json"])).out);
    expect(json).toMatchObject({ kind: "seccomp", a, b, same: false });
    expect(json.arches[0].calls.map((c: { syscall: string }) => c.syscall)).toEqual(["bpf", "clone3", "mount", "ptrace", "socket"]);
  });

  const badCases: [string, (dir: string) => string[], RegExp][] = [
    ["one file", (dir) => ["diff", join(dir, "p.json")], /exactly two profiles/],
    ["three files", (dir) => ["diff", join(dir, "p.json"), join(dir, "p.json"), join(dir, "p.json")], /exactly two profiles/],
    ["an unknown option", (dir) => ["diff", join(dir, "p.json"), join(dir, "p.json"), "-x"], /-x/],
    ["a missing file", (dir) => ["diff", join(dir, "p.json"), join(dir, "none.json")], /none\.json: cannot read \(no such file\)/],
    ["a file that is not a profile", (dir) => ["diff", join(dir, "bad.json"), join(dir, "p.json")], /bad\.json:1: not JSON/],
  ];

  it.each(badCases)("exits 2 with one line naming the file for %s", async (_, argv, message) => {
    const dir = workdir({ "p.json": JSON.stringify({ defaultAction: "SCMP_ACT_ERRNO" }), "bad.json": "{ x" });
    const { code, out, err } = await run(argv(dir));
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^profilesmith diff: [^\n]*\n$/);
    expect(err).toMatch(message);
  });
});
