import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SyscallEvent, TraceEvent } from "../../src/events/types.js";
import { parseStraceText, readTraces } from "../../src/parse/index.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { UNKNOWN_TO_LIBSECCOMP } from "../../src/seccomp/libseccomp.js";
import { generateSeccomp } from "../../src/seccomp/generate.js";
import type { SeccompProfile } from "../../src/seccomp/profile.js";
import { decide, enforcedProfile, filterArgs, indexRules, verifySeccomp } from "../../src/verify/index.js";
import { fixtureTraces, run, workdir } from "./support.js";

async function eventsOf(paths: readonly string[]): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const event of readTraces(paths, { strict: false }).events) events.push(event);
  return events;
}

function syscalls(text: string): SyscallEvent[] {
  return parseStraceText(text, { file: "t.strace" }).filter((e): e is SyscallEvent => e.kind === "syscall");
}

const EPERM = { action: "errno", errno: 1 } as const;

function profileOf(rules: SeccompProfile["rules"], arches: SeccompProfile["arches"] = ["x86_64"]): SeccompProfile {
  return { defaultVerdict: EPERM, arches, rules };
}

function decideFor(profile: SeccompProfile, event: SyscallEvent) {
  return decide(indexRules(profile), indexRules(enforcedProfile(profile)), event.arch, event.name, filterArgs(event));
}

describe("verifySeccomp on profiles generated from the recorded fixture traces", () => {
  const fixtures = fixtureTraces();

  it("finds fixture traces to replay", () => {
    expect(fixtures.length).toBeGreaterThan(10);
  });

  // Except calls libseccomp 2.5.4 does not know (newer-syscalls traces mseal): runc drops their rules.
  it.each(fixtures.map((f) => [f.name, f.paths] as const))("%s passes the profile generated from it", async (_, paths) => {
    const events = await eventsOf(paths);
    for (const args of [true, false]) {
      const { profile } = await generateSeccomp({ traces: [events], args, runtime: "none" });
      const result = await verifySeccomp(profile, events);
      for (const denied of result.denied) {
        expect(UNKNOWN_TO_LIBSECCOMP[denied.arch].has(denied.syscall), denied.syscall).toBe(true);
        expect(denied.reason).toMatch(/does not know it on .*: the runtime drops the rule/);
      }
      expect(result.calls).toBe(events.filter((e) => e.kind === "syscall").length);
    }
  });

  it("agrees with the evaluator on every call of one workload against another's profile", async () => {
    const { profile } = await generateSeccomp({ traces: [await eventsOf([join("test/fixtures/strace", "pipeline-f.trace")])] });
    const events = (await eventsOf([join("test/fixtures/strace", "tcp-server-client.trace")])).filter(
      (e): e is SyscallEvent => e.kind === "syscall",
    );
    const result = await verifySeccomp(profile, events);
    const refused = new Set([...result.denied, ...result.fallbacks].map((d) => `${d.arch} ${d.syscall}`));
    expect(result.denied.length).toBeGreaterThan(0);
    for (const event of events) {
      const args = filterArgs(event);
      // The generated profile compares only arguments the trace shows, so the evaluator can judge every call.
      const verdict = evaluate(profile, event.arch, event.name, args.map((v) => v ?? 0));
      if (verdict.action !== "allow") expect(refused, `${event.name} at line ${event.pos.line}`).toContain(`${event.arch} ${event.name}`);
    }
    for (const group of result.denied) {
      expect(events.some((e) => e.arch === group.arch && e.name === group.syscall && e.pos.line === group.first.pos.line)).toBe(true);
    }
  });
});

describe("decide", () => {
  it("names the rule missing, with the argument values the filter compares", () => {
    const profile = profileOf([
      { arch: "x86_64", name: "socket", verdict: { action: "allow" }, args: [{ index: 0, op: "EQ", value: 2 }] },
    ]);
    const [event] = syscalls("1 socket(AF_PACKET, SOCK_RAW, 768) = 3\n");
    expect(decideFor(profile, event as SyscallEvent)).toEqual({
      allowed: false,
      answer: { known: true, verdict: EPERM },
      reason: "no rule allows socket with arg0=17 (AF_PACKET); it allows socket when arg0 == 2 (AF_INET)",
    });
  });

  it("refuses a call whose answer depends on an argument the trace does not show", () => {
    const profile = profileOf([
      {
        arch: "x86_64",
        name: "prctl",
        verdict: { action: "allow" },
        args: [{ index: 0, op: "EQ", value: 15 }, { index: 1, op: "EQ", value: 0 }],
      },
    ]);
    const [event] = syscalls('1 prctl(PR_SET_NAME, "worker") = 0\n');
    const decision = decideFor(profile, event as SyscallEvent);
    expect(decision).toMatchObject({ allowed: false, answer: { known: false, unknownArgs: [1] } });
    expect(decision.allowed || decision.reason).toMatch(/depends on arg1, which the trace does not show: errno EPERM or allow/);
  });

  it("judges the profile as runc loads it: rules for calls libseccomp 2.5.4 does not know are dropped", () => {
    const profile = profileOf([{ arch: "x86_64", name: "mseal", verdict: { action: "allow" }, args: [] }]);
    const [event] = syscalls("1 mseal(0x7f0000000000, 4096, 0) = 0\n");
    const decision = decideFor(profile, event as SyscallEvent);
    expect(decision.allowed || decision.reason).toMatch(/libseccomp 2\.5\.4 .* does not know it on x86_64: the runtime drops the rule/);
  });

  it("says when the profile does not filter the call's ABI", () => {
    const profile = profileOf([{ arch: "x86_64", name: "write", verdict: { action: "allow" }, args: [] }]);
    const event = { ...(syscalls("1 write(1, \"x\", 1) = 1\n")[0] as SyscallEvent), arch: "x86" as const };
    expect(decideFor(profile, event)).toMatchObject({
      allowed: false,
      answer: { known: true, verdict: { action: "kill-thread" } },
      reason: "the profile does not filter the x86 ABI: every call through it gets kill-thread",
    });
  });
});

describe("verifySeccomp and ENOSYS answers", () => {
  const profile = profileOf([
    { arch: "x86_64", name: "clone", verdict: { action: "allow" }, args: [{ index: 0, op: "MASKED_EQ", value: 0x7e020000, valueTwo: 0 }] },
    { arch: "x86_64", name: "clone3", verdict: { action: "errno", errno: 38 }, args: [] },
    { arch: "x86_64", name: "statx", verdict: { action: "errno", errno: 38 }, args: [] },
  ]);

  it("does not count clone3 answered ENOSYS when clone with the same flags runs, nor a call that failed with ENOSYS already", async () => {
    const result = await verifySeccomp(
      profile,
      parseStraceText(
        "1 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0, stack=0x7f, stack_size=0x7fff00}, 88) = 2\n" +
          "1 statx(AT_FDCWD, \"/\", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffd) = -1 ENOSYS (Function not implemented)\n",
        { file: "t.strace" },
      ),
    );
    expect(result.denied).toEqual([]);
    expect(result.fallbacks.map((f) => [f.syscall, f.reason])).toEqual([
      ["clone3", expect.stringMatching(/^answered ENOSYS; callers fall back to clone, which the profile allows/)],
      ["statx", "answered ENOSYS, as the trace shows: the workload saw this answer and went on"],
    ]);
  });

  it("counts clone3 creating a namespace, and statx when its fallback is refused", async () => {
    const result = await verifySeccomp(
      profile,
      parseStraceText(
        "1 clone3({flags=CLONE_NEWUSER, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 2\n" +
          "1 statx(AT_FDCWD, \"/\", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=0}) = 0\n",
        { file: "t.strace" },
      ),
    );
    expect(result.denied.map((d) => [d.syscall, d.reason])).toEqual([
      ["clone3", "a rule answers clone3 with errno ENOSYS"],
      ["statx", "a rule answers statx with errno ENOSYS"],
    ]);
  });
});

const BASE = `100 execve("/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
100 brk(NULL) = 0x55d0c000
100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 4
100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101
101 exit_group(0) = ?
101 +++ exited with 0 +++
`;
const EXTRA = `100 socket(AF_PACKET, SOCK_RAW, 768) = 5
100 ptrace(PTRACE_TRACEME) = 0
102 socket(AF_PACKET, SOCK_RAW, 768) = 5
100 unshare(CLONE_NEWUSER) = 0
100 brk(NULL) = 0x55d0c000
`;

describe("profilesmith verify", () => {
  it("prints help with examples", async () => {
    const { code, out } = await run(["verify", "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: profilesmith verify \(--seccomp FILE \| --apparmor FILE\) TRACE/);
    expect(out).toContain("Examples:");
  });

  it("exits 0 for the trace a profile was generated from, in any format", async () => {
    const dir = workdir({ "app.strace": BASE });
    for (const format of ["docker", "oci", "spo"]) {
      const profile = join(dir, `app.${format}`);
      expect((await run(["seccomp", join(dir, "app.strace"), "--format", format, "-o", profile])).code).toBe(0);
      const { code, out, err } = await run(["verify", "--seccomp", profile, join(dir, "app.strace")]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out).toBe(`${profile}: all 5 traced calls would run\n`);
    }
  });

  it("lists exactly the extra calls of another trace, first place and count, and exits 1", async () => {
    const dir = workdir({ "app.strace": BASE, "more.strace": BASE + EXTRA });
    await run(["seccomp", join(dir, "app.strace"), "-o", join(dir, "app.json")]);
    const { code, out } = await run(["verify", "--seccomp", join(dir, "app.json"), join(dir, "more.strace")]);
    expect(code).toBe(1);
    const more = join(dir, "more.strace");
    expect(out.split("\n")).toEqual([
      `${more}:8: pid 100: x86_64 ptrace: errno EPERM: no rule allows ptrace`,
      `${more}:7: pid 100: x86_64 socket (2 calls, 2 pids): errno EPERM: no rule allows socket with arg0=17 (AF_PACKET); it allows socket when arg0 == 2 (AF_INET)`,
      `${more}:10: pid 100: x86_64 unshare: errno EPERM: no rule allows unshare`,
      `${join(dir, "app.json")}: 4 of 10 traced calls would be refused (3 findings)`,
      "",
    ]);
  });

  it("reads a trace from stdin and reports as JSON", async () => {
    const dir = workdir({ "app.strace": BASE });
    await run(["seccomp", join(dir, "app.strace"), "-o", join(dir, "app.json")]);
    const { code, out } = await run(["verify", "--seccomp", join(dir, "app.json"), "-", "--json"], BASE + EXTRA);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ kind: "seccomp", profile: join(dir, "app.json"), calls: 10, fallbacks: [] });
    expect(report.denied.map((d: { syscall: string }) => d.syscall)).toEqual(["ptrace", "socket", "unshare"]);
    expect(report.denied[1]).toEqual({
      arch: "x86_64",
      syscall: "socket",
      answer: { known: true, verdict: { action: "errno", errno: 1 } },
      args: [{ index: 0, value: 17 }],
      reason: "no rule allows socket with arg0=17 (AF_PACKET); it allows socket when arg0 == 2 (AF_INET)",
      first: { file: "<stdin>", line: 7, pid: 100 },
      calls: 2,
      pids: [100, 102],
    });
  });

  it("gives the same report for the same traces in any order", async () => {
    const dir = workdir({ "a.strace": BASE + EXTRA, "b.strace": EXTRA.replaceAll("100 ", "200 ") });
    await run(["seccomp", join(dir, "a.strace"), "--no-args", "-o", join(dir, "p.json")]);
    await run(["seccomp", "-", "-o", join(dir, "base.json")], BASE);
    const ab = await run(["verify", "--seccomp", join(dir, "base.json"), join(dir, "a.strace"), join(dir, "b.strace")]);
    const ba = await run(["verify", "--seccomp", join(dir, "base.json"), join(dir, "b.strace"), join(dir, "a.strace")]);
    expect(ab.code).toBe(1);
    expect(ba.out).toBe(ab.out);
  });

  const badCases: [string, (dir: string) => string[], RegExp][] = [
    ["no --seccomp", (dir) => ["verify", join(dir, "app.strace")], /--seccomp FILE/],
    ["no trace", (dir) => ["verify", "--seccomp", join(dir, "app.json")], /at least one trace/],
    ["an unknown option", (dir) => ["verify", "--seccomp", join(dir, "app.json"), "--frobnicate", join(dir, "app.strace")], /frobnicate/],
    ["a missing profile", (dir) => ["verify", "--seccomp", join(dir, "none.json"), join(dir, "app.strace")], /none\.json: cannot read \(no such file\)/],
    ["a profile that is not JSON", (dir) => ["verify", "--seccomp", join(dir, "bad.json"), join(dir, "app.strace")], /bad\.json:1: not JSON/],
    ["a profile with a bad field", (dir) => ["verify", "--seccomp", join(dir, "field.json"), join(dir, "app.strace")], /field\.json: defaultAction/],
    ["a missing trace", (dir) => ["verify", "--seccomp", join(dir, "app.json"), join(dir, "none.strace")], /none\.strace: cannot read \(no such file\)/],
    ["a trace that is not strace output", (dir) => ["verify", "--seccomp", join(dir, "app.json"), join(dir, "bad.json")], /bad\.json:1: not a strace log/],
  ];

  it.each(badCases)("exits 2 with one line naming the file for %s", async (_, argv, message) => {
    const dir = workdir({
      "app.strace": BASE,
      "bad.json": "{ nope\n",
      "field.json": JSON.stringify({ defaultAction: "SCMP_ACT_MAYBE" }),
      "app.json": readFileSync("profiles/reference/docker-default.json", "utf8"),
    });
    const { code, out, err } = await run(argv(dir));
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^profilesmith verify: [^\n]*\n$/);
    expect(err).toMatch(message);
  });
});
