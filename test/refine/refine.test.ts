import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuditText } from "../../src/parse/audit/index.js";
import { refineSeccomp } from "../../src/refine/index.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { ALLOW, canonicalProfile, ENOSYS, errnoVerdict, type SeccompProfile, type SeccompRule } from "../../src/seccomp/profile.js";
import type { Arch } from "../../src/syscalls/arch.js";
import { seccompRecord } from "./log.js";

const LOG: SeccompProfile["defaultVerdict"] = { action: "log" };

function profile(rules: readonly Omit<SeccompRule, "arch">[], arches: readonly Arch[] = ["x86_64"]): SeccompProfile {
  return canonicalProfile({
    defaultVerdict: LOG,
    arches,
    rules: arches.flatMap((arch) => rules.map((rule) => ({ arch, ...rule }))),
  });
}

const allow = (name: string): Omit<SeccompRule, "arch"> => ({ name, verdict: ALLOW, args: [] });
const events = (...lines: string[]) => parseAuditText(`${lines.join("\n")}\n`, { file: "dmesg.txt" });

describe("refineSeccomp", () => {
  const complain = profile([allow("read"), allow("write"), allow("exit_group")]);

  it("adds the calls the log shows refused, per ABI, with count and first record, and leaves complain mode", async () => {
    const log = events("[    1.0] some other kernel line", seccompRecord("getuid"), seccompRecord("uname"), seccompRecord("getuid"));
    const refined = await refineSeccomp(complain, log);
    expect(refined.added).toEqual([
      { arch: "x86_64", name: "getuid", count: 2, first: { file: "dmesg.txt", line: 2 } },
      { arch: "x86_64", name: "uname", count: 1, first: { file: "dmesg.txt", line: 3 } },
    ]);
    expect(refined.leftComplain).toBe(true);
    expect(refined.profile.defaultVerdict).toEqual(errnoVerdict(1));
    expect(evaluate(refined.profile, "x86_64", "getuid")).toEqual(ALLOW);
    expect(evaluate(refined.profile, "x86_64", "read")).toEqual(ALLOW);
    expect(evaluate(refined.profile, "x86_64", "sysinfo")).toEqual(errnoVerdict(1));
    expect(refined.unchanged).toEqual([]);
    expect(refined.notes).toEqual(["1 line that are not audit records ignored"]);
  });

  it("changes nothing the second time", async () => {
    const log = events(seccompRecord("getuid"), seccompRecord("uname"));
    const once = await refineSeccomp(complain, log);
    const twice = await refineSeccomp(once.profile, log);
    expect(twice.profile).toEqual(once.profile);
    expect(twice.added).toEqual([]);
    expect(twice.leftComplain).toBe(false);
    expect(twice.notes).toEqual(["already allowed: getuid (x86_64), uname (x86_64)"]);
  });

  it("adds a call only for the ABI its records name", async () => {
    const both = profile([allow("read")], ["x86_64", "x86"]);
    const refined = await refineSeccomp(both, events(seccompRecord("getuid32", { arch: "x86" })));
    expect(evaluate(refined.profile, "x86", "getuid32")).toEqual(ALLOW);
    expect(evaluate(refined.profile, "x86_64", "getuid")).toEqual(errnoVerdict(1));
  });

  it("keeps complain mode when asked", async () => {
    const refined = await refineSeccomp(complain, events(seccompRecord("uname")), { keepComplain: true });
    expect(refined.profile.defaultVerdict).toEqual(LOG);
    expect(refined.leftComplain).toBe(false);
  });

  it("never widens an argument-restricted call: reports it and leaves its rules", async () => {
    const socketInet = { name: "socket", verdict: ALLOW, args: [{ index: 0, op: "EQ" as const, value: 2 }] };
    const withSocket = profile([allow("read"), socketInet]);
    const refined = await refineSeccomp(withSocket, events(seccompRecord("socket"), seccompRecord("uname")));
    expect(refined.unchanged).toMatchObject([{ why: "argument-restricted", call: { name: "socket", arch: "x86_64", count: 1 } }]);
    expect(refined.added.map((call) => call.name)).toEqual(["uname"]);
    expect(refined.profile.rules.filter((rule) => rule.name === "socket")).toEqual([{ arch: "x86_64", ...socketInet }]);
    expect(evaluate(refined.profile, "x86_64", "socket", [16])).toEqual(errnoVerdict(1));
  });

  it("leaves explicit denies, ENOSYS fallbacks and ABIs outside the filter as they are", async () => {
    const withRules = profile([
      allow("read"),
      { name: "ptrace", verdict: { action: "kill-process" }, args: [] },
      { name: "clone3", verdict: errnoVerdict(ENOSYS), args: [] },
    ]);
    const refined = await refineSeccomp(
      withRules,
      events(seccompRecord("ptrace"), seccompRecord("clone3"), seccompRecord("getuid32", { arch: "x86" })),
    );
    expect(refined.added).toEqual([]);
    expect(refined.unchanged.map((u) => [u.why, u.call.name])).toEqual([
      ["refused-by-rule", "ptrace"],
      ["arch-not-filtered", "getuid32"],
    ]);
    expect(refined.notes).toContain("clone3 (x86_64): left answered ENOSYS, so callers take their older fallback");
    expect(evaluate(refined.profile, "x86_64", "clone3")).toEqual(errnoVerdict(ENOSYS));
  });

  it("warns when the kernel dropped records, and when the log holds none", async () => {
    const lossy = await refineSeccomp(complain, events("[ 7589.9] kauditd_printk_skb: 112 callbacks suppressed", seccompRecord("uname")));
    expect(lossy.warnings).toEqual([expect.stringMatching(/^dmesg\.txt:1: the kernel dropped 112 audit records/)]);
    const empty = await refineSeccomp(complain, events("[ 1.0] hello"));
    expect(empty.warnings).toEqual([expect.stringContaining("no seccomp records")]);
  });

  it("laws: adds exactly the unallowed calls, whatever the record order, and is idempotent", async () => {
    const NAMES = ["read", "write", "getuid", "uname", "getpid", "sysinfo", "openat"];
    const name = fc.constantFrom(...NAMES);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name), fc.array(name, { maxLength: 12 }), fc.boolean(), async (allowed, logged, keep) => {
        const start = profile(allowed.map(allow));
        const log = events(...logged.map((call) => seccompRecord(call)));
        const once = await refineSeccomp(start, log, { keepComplain: keep });
        for (const call of NAMES) {
          const shouldAllow = allowed.includes(call) || logged.includes(call);
          expect(evaluate(once.profile, "x86_64", call).action === "allow").toBe(shouldAllow);
        }
        expect(once.added.map((call) => call.name)).toEqual([...new Set(logged)].filter((call) => !allowed.includes(call)).sort());
        const reversed = await refineSeccomp(start, [...log].reverse(), { keepComplain: keep });
        expect(reversed.profile).toEqual(once.profile);
        expect(reversed.added).toEqual(once.added);
        const twice = await refineSeccomp(once.profile, log, { keepComplain: keep });
        expect(twice.profile).toEqual(once.profile);
        expect(twice.added).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
