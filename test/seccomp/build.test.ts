import { describe, expect, it } from "vitest";
import { buildSeccompProfile } from "../../src/seccomp/build.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { FALLBACKS } from "../../src/seccomp/fallbacks.js";
import { VDSO_CALLS } from "../../src/seccomp/vdso.js";
import { ARCHES } from "../../src/syscalls/arch.js";
import { isSyscall } from "../../src/syscalls/index.js";
import { tracePolicy } from "./helpers.js";

const EPERM = { action: "errno", errno: 1 };
const ENOSYS = { action: "errno", errno: 38 };
const ALLOW = { action: "allow" };

describe("buildSeccompProfile", () => {
  const basic = tracePolicy({ x86_64: { read: {}, write: {}, openat: {}, exit_group: {} } });

  it("denies everything else with EPERM on the traced ABI only", () => {
    const { profile } = buildSeccompProfile(basic);
    expect(profile.arches).toEqual(["x86_64"]);
    expect(evaluate(profile, "x86_64", "read")).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "ptrace")).toEqual(EPERM);
    expect(evaluate(profile, "x86", "read")).toEqual({ action: "kill-thread" });
  });

  it("uses the requested default action", () => {
    const { profile } = buildSeccompProfile(basic, { defaultAction: "kill-process" });
    expect(evaluate(profile, "x86_64", "ptrace")).toEqual({ action: "kill-process" });
    expect(evaluate(profile, "x86_64", "clone3")).toEqual(ENOSYS);
  });

  it("answers untraced probed calls with ENOSYS and allows the fallback of traced ones", () => {
    const { profile } = buildSeccompProfile(tracePolicy({ x86_64: { statx: {}, faccessat2: {} } }));
    expect(evaluate(profile, "x86_64", "statx")).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "newfstatat")).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "faccessat")).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "openat2")).toEqual(ENOSYS);
    expect(evaluate(profile, "x86_64", "close_range")).toEqual(ENOSYS);
    expect(evaluate(profile, "x86_64", "close")).toEqual(EPERM);
  });

  it("answers clone3 ENOSYS with argument rules on and allows clone without namespace flags", () => {
    const { profile, notes } = buildSeccompProfile(tracePolicy({ x86_64: { clone3: {} } }));
    expect(evaluate(profile, "x86_64", "clone3")).toEqual(ENOSYS);
    expect(evaluate(profile, "x86_64", "clone", [0x3d0f00])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "clone", [0x10000000])).toEqual(EPERM);
    expect(notes.join("\n")).toMatch(/clone3: answered ENOSYS/);
    const off = buildSeccompProfile(tracePolicy({ x86_64: { clone3: {} } }), { args: false }).profile;
    expect(evaluate(off, "x86_64", "clone3")).toEqual(ALLOW);
    expect(evaluate(off, "x86_64", "clone", [0x10000000])).toEqual(ALLOW);
  });

  it("allows the vDSO calls unless told not to", () => {
    expect(evaluate(buildSeccompProfile(basic).profile, "x86_64", "clock_gettime")).toEqual(ALLOW);
    expect(evaluate(buildSeccompProfile(basic).profile, "x86_64", "getcpu")).toEqual(ALLOW);
    const noVdso = buildSeccompProfile(basic, { vdso: false }).profile;
    for (const call of VDSO_CALLS.x86_64) expect(evaluate(noVdso, "x86_64", call.name)).toEqual(EPERM);
  });

  it("narrows socket to the families seen, clone and unshare to no namespaces, personality to the personas seen", () => {
    const policy = tracePolicy({
      x86_64: { socket: { "0": [1, 2] }, clone: { "0": [0x1200011] }, unshare: { "0": [0x400] }, personality: { "0": [0xffffffff, 8] } },
    });
    const { profile } = buildSeccompProfile(policy);
    expect(evaluate(profile, "x86_64", "socket", [1])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "socket", [2])).toEqual(ALLOW);
    for (const family of [10, 16, 17, 38, 40]) expect(evaluate(profile, "x86_64", "socket", [family])).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "clone", [0x1200011])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "clone", [0x20000000 | 0x11])).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "unshare", [0x400])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "unshare", [0x80])).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "personality", [8])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "personality", [0x0040000])).toEqual(EPERM);

    const off = buildSeccompProfile(policy, { args: false }).profile;
    expect(evaluate(off, "x86_64", "socket", [16])).toEqual(ALLOW);
    expect(evaluate(off, "x86_64", "clone", [0x20000000])).toEqual(ALLOW);
  });

  it("allows clone and unshare unconditionally when a namespace was created, and any value that was not decoded", () => {
    const { profile } = buildSeccompProfile(
      tracePolicy({ x86_64: { clone: { "0": [0x10000000 | 0x11] }, socket: { "0": "any" } } }),
    );
    expect(evaluate(profile, "x86_64", "clone", [0x40000000])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "socket", [16])).toEqual(ALLOW);
  });

  it("lets an explicit deny win over traces, fallbacks and the vDSO", () => {
    const policy = tracePolicy({ x86_64: { read: {}, statx: {}, ptrace: {} } }, { x86_64: ["ptrace", "newfstatat", "clock_gettime"] });
    const { profile } = buildSeccompProfile(policy);
    expect(evaluate(profile, "x86_64", "ptrace")).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "newfstatat")).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "clock_gettime")).toEqual(EPERM);
    expect(evaluate(profile, "x86_64", "statx")).toEqual(ALLOW);
  });

  it("filters the ABIs the policy shows plus their native ABI, or those asked for", () => {
    expect(buildSeccompProfile(tracePolicy({ x86: { read: {} } })).profile.arches).toEqual(["x86_64", "x86"]);
    expect(buildSeccompProfile(basic, { arches: ["aarch64"] }).profile.arches).toEqual(["aarch64"]);
    const both = buildSeccompProfile(tracePolicy({ x86_64: { read: {} }, x86: { socketcall: {} } })).profile;
    expect(evaluate(both, "x86", "socketcall")).toEqual(ALLOW);
    expect(evaluate(both, "x86", "read")).toEqual(ALLOW);
  });

  it("warns about allowed calls libseccomp 2.5.4 does not know", () => {
    const { warnings } = buildSeccompProfile(tracePolicy({ x86_64: { mseal: {}, read: {} } }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^mseal \(x86_64\) is unknown to libseccomp 2\.5\.4/);
  });

  it("keeps allowlist argument rules as they are", () => {
    const policy = tracePolicy({ x86_64: { read: {} } });
    policy.allow.x86_64?.rules.push({
      name: "socket",
      args: [{ index: 0, op: "EQ", value: 1 }],
      sources: [{ kind: "allowlist", file: "a.yaml" }],
    });
    const { profile } = buildSeccompProfile(policy);
    expect(evaluate(profile, "x86_64", "socket", [1])).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "socket", [2])).toEqual(EPERM);
  });
});

describe("the data tables", () => {
  it("name only real syscalls", () => {
    for (const fallback of FALLBACKS) {
      for (const name of [fallback.newer, ...fallback.older]) {
        expect(ARCHES.some((arch) => isSyscall(arch, name)), name).toBe(true);
      }
    }
    for (const arch of ARCHES) {
      for (const call of VDSO_CALLS[arch]) expect(isSyscall(arch, call.name), `${arch} ${call.name}`).toBe(true);
    }
  });
});
