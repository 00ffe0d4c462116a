import { describe, expect, it } from "vitest";
import { buildSeccompProfile } from "../../src/seccomp/build.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { retargetPolicy } from "../../src/seccomp/translate.js";
import { tracePolicy } from "./helpers.js";

describe("retargetPolicy", () => {
  it("makes an aarch64 policy from an x86_64 trace, noting each translated call", () => {
    const policy = tracePolicy({ x86_64: { open: {}, read: {}, arch_prctl: {}, socket: { "0": [2] } } });
    const { policy: aarch64, notes, warnings } = retargetPolicy(policy, ["aarch64"]);
    expect(Object.keys(aarch64.allow)).toEqual(["aarch64"]);
    expect(Object.keys(aarch64.allow.aarch64?.syscalls ?? {})).toEqual(["openat", "read", "socket"]);
    expect(aarch64.allow.aarch64?.syscalls.socket?.args).toEqual({ "0": [2] });
    expect(notes).toEqual(["aarch64: arch_prctl (x86_64) has no counterpart", "aarch64: open (x86_64) → openat"]);
    expect(warnings).toEqual([]);
    const { profile } = buildSeccompProfile(aarch64);
    expect(profile.arches).toEqual(["aarch64"]);
    expect(evaluate(profile, "aarch64", "openat")).toEqual({ action: "allow" });
    expect(evaluate(profile, "x86_64", "read")).toEqual({ action: "kill-thread" });
  });

  it("keeps an ABI's own calls and drops ABIs not targeted", () => {
    const policy = tracePolicy({ x86_64: { read: {} }, aarch64: { write: {} } });
    const { policy: out } = retargetPolicy(policy, ["aarch64"]);
    expect(Object.keys(out.allow.aarch64?.syscalls ?? {})).toEqual(["write"]);
  });
});
