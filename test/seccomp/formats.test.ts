import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../src/errors.js";
import { buildSeccompProfile } from "../../src/seccomp/build.js";
import { emitDocker, readDocker } from "../../src/seccomp/docker.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { emitOci, readOci } from "../../src/seccomp/oci.js";
import type { SeccompProfile } from "../../src/seccomp/profile.js";
import { emitSpo, readSpo } from "../../src/seccomp/spo.js";
import { tracePolicy } from "./helpers.js";

const { profile } = buildSeccompProfile(
  tracePolicy({ x86_64: { read: {}, write: {}, socket: { "0": [1, 2] }, clone: { "0": [0x1200011] }, exit_group: {} } }),
);

describe("the Docker format", () => {
  const text = emitDocker(profile);
  const json = JSON.parse(text);

  it("is pretty-printed with one name a line and a trailing newline", () => {
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toMatch(/\n {8}"read",\n/);
  });

  it("obeys moby's rules", () => {
    expect(json.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(json.defaultErrnoRet).toBe(1);
    expect(json.architectures).toBeUndefined();
    expect(json.archMap).toEqual([{ architecture: "SCMP_ARCH_X86_64", subArchitectures: [] }]);
    for (const rule of json.syscalls) {
      expect(rule.name).toBeUndefined();
      expect(rule.names).toEqual([...rule.names].sort());
      if (rule.errnoRet !== undefined) expect(["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"]).toContain(rule.action);
    }
  });

  it("groups names by action and conditions, one rule per socket family", () => {
    const socketRules = json.syscalls.filter((rule: { names: string[] }) => rule.names.includes("socket"));
    expect(socketRules.map((rule: { args: unknown }) => rule.args)).toEqual([
      [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }],
      [{ index: 0, value: 2, op: "SCMP_CMP_EQ" }],
    ]);
    const clone = json.syscalls.find((rule: { names: string[] }) => rule.names.includes("clone"));
    expect(clone.args).toEqual([{ index: 0, value: 0x7e020000, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }]);
    const enosys = json.syscalls.find((rule: { errnoRet?: number }) => rule.errnoRet === 38);
    expect(enosys.names).toContain("clone3");
  });

  it("reads Docker's own default profile", () => {
    const { profile: docker, warnings } = readDocker(
      readFileSync(new URL("docker-default.json", import.meta.url), "utf8"),
      "default.json",
    );
    expect(warnings.join("\n")).toMatch(/names\[\d+\]: "riscv_hwprobe" is not a syscall on/);
    expect(docker.arches).toEqual(["x86_64", "aarch64", "x86", "x32", "arm"]);
    expect(evaluate(docker, "x86_64", "read")).toEqual({ action: "allow" });
    expect(evaluate(docker, "x86_64", "socket", [40])).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(docker, "x86_64", "socket", [2])).toEqual({ action: "allow" });
    expect(evaluate(docker, "x86_64", "mount")).toEqual({ action: "errno", errno: 1 });
    expect(evaluate(docker, "x86_64", "clone3")).toEqual({ action: "errno", errno: 38 });
    expect(evaluate(docker, "x86_64", "arch_prctl")).toEqual({ action: "allow" });
    const admin = readDocker(readFileSync(new URL("docker-default.json", import.meta.url), "utf8"), "default.json", {
      capabilities: ["CAP_SYS_ADMIN"],
    }).profile;
    expect(evaluate(admin, "x86_64", "mount")).toEqual({ action: "allow" });
    expect(evaluate(admin, "x86_64", "clone3")).toEqual({ action: "allow" });
  });

  it("refuses what moby refuses, naming the file and field", () => {
    const read = (doc: object) => () => readDocker(JSON.stringify(doc), "p.json");
    const base = { defaultAction: "SCMP_ACT_ERRNO" };
    expect(read({ ...base, syscalls: [{ name: "read", names: ["write"], action: "SCMP_ACT_ALLOW" }] })).toThrow(
      "p.json: syscalls[0]: has both name and names",
    );
    expect(read({ ...base, architectures: ["SCMP_ARCH_X86_64"], archMap: [] })).toThrow(/both architectures and archMap/);
    expect(read({ ...base, syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", errnoRet: 1 }] })).toThrow(
      /syscalls\[0\]: errnoRet is only allowed/,
    );
    expect(readDocker(JSON.stringify({ ...base, syscalls: [{ names: ["read", "opne"], action: "SCMP_ACT_ALLOW" }] }), "p.json").warnings).toEqual([
      'p.json: syscalls[0].names[1]: "opne" is not a syscall on x86_64, aarch64, x86, x32, arm; it cannot match there',
    ]);
    expect(read({ ...base, syscalls: [{ names: ["read"], action: "SCMP_ACT_MAYBE" }] })).toThrow(/p\.json: syscalls\[0\]\.action: /);
    expect(() => readDocker("{", "p.json")).toThrow(InputError);
  });
});

describe("the OCI format", () => {
  it("writes the linux.seccomp object and reads it back, alone or in a config.json", () => {
    const text = emitOci(profile);
    const json = JSON.parse(text);
    expect(json.architectures).toEqual(["SCMP_ARCH_X86_64"]);
    expect(json.defaultErrnoRet).toBe(1);
    expect(readOci(text, "s.json")).toEqual({ profile, warnings: [] });
    expect(readOci(JSON.stringify({ ociVersion: "1.0.2", linux: { seccomp: json } }), "config.json").profile).toEqual(profile);
  });

  it("refuses a profile whose ABIs differ in a way one rule list cannot say", () => {
    const uneven: SeccompProfile = {
      defaultVerdict: { action: "errno", errno: 1 },
      arches: ["x86_64", "aarch64"],
      rules: [{ arch: "x86_64", name: "read", verdict: { action: "allow" }, args: [] }],
    };
    expect(() => emitOci(uneven)).toThrow(UsageError);
    expect(JSON.parse(emitDocker(uneven)).syscalls).toEqual([
      { names: ["read"], action: "SCMP_ACT_ALLOW", includes: { arches: ["amd64"] } },
    ]);
    expect(readDocker(emitDocker(uneven), "d.json").profile).toEqual(uneven);
  });
});

describe("the SPO format", () => {
  it("is a SeccompProfile resource that reads back to the same profile", () => {
    const text = emitSpo(profile, "my-app");
    const resource = parse(text);
    expect(resource.apiVersion).toBe("security-profiles-operator.x-k8s.io/v1beta1");
    expect(resource.kind).toBe("SeccompProfile");
    expect(resource.metadata).toEqual({ name: "my-app" });
    expect(resource.spec.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(text).toMatch(/\n {8}- read\n/);
    expect(readSpo(text, "p.yaml").profile).toEqual(profile);
  });

  it("refuses names Kubernetes refuses and default errnos it cannot say", () => {
    expect(() => emitSpo(profile, "My_App")).toThrow(UsageError);
    expect(() => emitSpo({ ...profile, defaultVerdict: { action: "errno", errno: 13 } }, "a")).toThrow(UsageError);
  });
});
