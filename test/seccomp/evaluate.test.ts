import { describe, expect, it } from "vitest";
import { conditionHolds, evaluate } from "../../src/seccomp/evaluate.js";
import { canonicalProfile, type SeccompProfile } from "../../src/seccomp/profile.js";

const profile: SeccompProfile = canonicalProfile({
  defaultVerdict: { action: "errno", errno: 1 },
  arches: ["x86_64", "x86"],
  rules: [
    { arch: "x86_64", name: "read", verdict: { action: "allow" }, args: [] },
    { arch: "x86_64", name: "socket", verdict: { action: "allow" }, args: [{ index: 0, op: "EQ", value: 2 }] },
    { arch: "x86_64", name: "socket", verdict: { action: "allow" }, args: [{ index: 0, op: "EQ", value: 10 }] },
    {
      arch: "x86_64",
      name: "clone",
      verdict: { action: "allow" },
      args: [{ index: 0, op: "MASKED_EQ", value: 0x7e020000, valueTwo: 0 }],
    },
    { arch: "x86_64", name: "ptrace", verdict: { action: "allow" }, args: [] },
    { arch: "x86_64", name: "ptrace", verdict: { action: "kill-process" }, args: [{ index: 0, op: "GE", value: 16 }] },
    { arch: "x86_64", name: "kill", verdict: { action: "errno", errno: 3 }, args: [] },
    { arch: "x86_64", name: "kill", verdict: { action: "errno", errno: 2 }, args: [] },
    { arch: "x86_64", name: "clone3", verdict: { action: "errno", errno: 38 }, args: [] },
  ],
});

describe("evaluate", () => {
  it("gives the default to calls no rule matches and the bad-arch action to other ABIs", () => {
    expect(evaluate(profile, "x86_64", "write")).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "x86", "read")).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "aarch64", "read")).toEqual({ action: "kill-thread" });
    expect(evaluate(profile, "x86_64", "clone3")).toEqual({ action: "errno", errno: 38 });
  });

  it("allows a call only when all conditions of some rule hold", () => {
    expect(evaluate(profile, "x86_64", "socket", [2, 1, 0])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "socket", [10])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "socket", [38])).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "x86_64", "clone", [0x1200011])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "clone", [0x10000000 | 0x11])).toEqual({ action: "errno", errno: 1 });
  });

  it("lets the strictest matching action win, and the lower errno among errno rules", () => {
    expect(evaluate(profile, "x86_64", "ptrace", [0])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "ptrace", [16])).toEqual({ action: "kill-process" });
    expect(evaluate(profile, "x86_64", "kill")).toEqual({ action: "errno", errno: 2 });
  });

  it("ignores rules that repeat the default action, as runc does", () => {
    const repeat: SeccompProfile = {
      defaultVerdict: { action: "errno", errno: 1 },
      arches: ["x86_64"],
      rules: [
        { arch: "x86_64", name: "read", verdict: { action: "allow" }, args: [] },
        { arch: "x86_64", name: "read", verdict: { action: "errno", errno: 1 }, args: [] },
      ],
    };
    expect(evaluate(repeat, "x86_64", "read")).toEqual({ action: "allow" });
  });
});

describe("conditionHolds", () => {
  it("compares as unsigned 64-bit values", () => {
    expect(conditionHolds({ index: 0, op: "EQ", value: 0xffffffff }, -1)).toBe(false);
    expect(conditionHolds({ index: 0, op: "EQ", value: 0xffffffff }, 0xffffffffn)).toBe(true);
    expect(conditionHolds({ index: 0, op: "GT", value: 5 }, -1)).toBe(true);
    expect(conditionHolds({ index: 0, op: "LT", value: 5 }, 4)).toBe(true);
    expect(conditionHolds({ index: 0, op: "LE", value: 5 }, 5)).toBe(true);
    expect(conditionHolds({ index: 0, op: "GE", value: 5 }, 4)).toBe(false);
    expect(conditionHolds({ index: 0, op: "NE", value: 5 }, 4)).toBe(true);
    expect(conditionHolds({ index: 0, op: "MASKED_EQ", value: 0xf0, valueTwo: 0x30 }, 0x1234_0000_0035n)).toBe(true);
    expect(conditionHolds({ index: 0, op: "MASKED_EQ", value: 2 ** 40, valueTwo: 0 }, 2n ** 40n)).toBe(false);
  });
});
