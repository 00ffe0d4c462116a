import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { buildSeccompProfile } from "../../src/seccomp/build.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { parseRuntimeBaseline, runtimePolicy } from "../../src/seccomp/runtime.js";

const sample = readFileSync(new URL("runc-sample.json", import.meta.url), "utf8");

describe("runtime baselines", () => {
  const baseline = parseRuntimeBaseline(sample, "runc-sample.json");

  it("become allows on the native ABIs, translated from x86_64 names", () => {
    const { policy, notes } = runtimePolicy(baseline, "runc.json", ["aarch64", "arm"]);
    expect(Object.keys(policy.allow)).toEqual(["aarch64"]);
    expect(Object.keys(policy.allow.aarch64?.syscalls ?? {})).toEqual(["capset", "clone", "execve", "fstat", "futex"]);
    expect(notes).toEqual([]);
    const x86 = runtimePolicy(baseline, "runc.json", ["x86_64", "x86"]).policy;
    expect(Object.keys(x86.allow)).toEqual(["x86_64"]);
  });

  it("never widen clone's namespace rule", () => {
    const { profile } = buildSeccompProfile(runtimePolicy(baseline, "runc.json", ["x86_64"]).policy);
    expect(evaluate(profile, "x86_64", "clone", [0x3d0f00])).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "clone", [0x10000000])).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(profile, "x86_64", "capset")).toEqual({ action: "allow" });
  });

  it("must name x86_64 syscalls", () => {
    const bad = sample.replace('"fstat"', '"fstatt"');
    expect(() => parseRuntimeBaseline(bad, "runc.json")).toThrow(InputError);
    expect(() => parseRuntimeBaseline(bad, "runc.json")).toThrow('runc.json: syscalls[3].name: "fstatt" is not a syscall on x86_64');
  });
});
