import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadAllowlist, parseAllowlist, policyFromAllowlist } from "../../src/policy/index.js";

const NGINX = `version: 1
seccomp:
  allow: [read, write, openat]
  arch:
    x86_64: { allow: [arch_prctl], deny: [iopl] }
    aarch64: { allow: [renameat] }
  deny: [ptrace]
  rules:
    - names: [socket]
      args: [{ index: 0, op: EQ, value: 2 }]
apparmor:
  files: [{ path: /etc/nginx/**, perms: r }, { path: /var/log/nginx/*.log, perms: wk }]
  exec: [/usr/sbin/nginx]
  capabilities: [net_bind_service]
  network: [inet stream, inet6 tcp, unix]
`;

function parseError(text: string): string {
  try {
    parseAllowlist(text, "nginx.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("parseAllowlist", () => {
  it("reads the documented example", () => {
    const allowlist = parseAllowlist(NGINX, "nginx.yaml");
    expect(allowlist.content.apparmor?.capabilities).toEqual(["net_bind_service"]);
    expect(allowlist.posOf(["seccomp", "allow", 2])).toEqual({ file: "nginx.yaml", line: 3 });
    expect(allowlist.posOf(["seccomp", "rules", 0, "names", 0])).toEqual({ file: "nginx.yaml", line: 9 });
  });

  it("reads JSON too", () => {
    const allowlist = parseAllowlist('{"version": 1, "seccomp": {"allow": ["read"]}}', "a.json");
    expect(allowlist.content.seccomp?.allow).toEqual(["read"]);
  });

  it.each([
    ["an unknown syscall", "version: 1\nseccomp:\n  allow:\n    - read\n    - opne\n", 'nginx.yaml:5: seccomp.allow[1]: "opne" is not a syscall on any architecture (x86_64, aarch64, x86, x32, arm)'],
    ["a name the section's ABI lacks", "version: 1\nseccomp:\n  arch:\n    aarch64:\n      allow: [open]\n", 'nginx.yaml:5: seccomp.arch.aarch64.allow[0]: "open" is not a syscall on aarch64'],
    ["an unknown field", "version: 1\nseccomp:\n  alow: [read]\n", "nginx.yaml:3: seccomp.alow: unknown field"],
    ["an unknown ABI", "version: 1\nseccomp:\n  arch:\n    mips: {}\n", "nginx.yaml:4: seccomp.arch.mips: unknown field"],
    ["another version", "version: 2\n", "nginx.yaml:1: version: unsupported allowlist version 2 (this profilesmith reads 1)"],
    ["no version", "seccomp: {}\n", "nginx.yaml:1: version: required field is missing"],
    ["an empty file", "", "nginx.yaml:1: (document): an allowlist is a mapping with `version: 1`"],
    ["MASKED_EQ without its second value", "version: 1\nseccomp:\n  rules:\n    - names: [clone]\n      args:\n        - { index: 0, op: MASKED_EQ, value: 1 }\n", "nginx.yaml:6: seccomp.rules[0].args[0].valueTwo: required field is missing"],
    ["a second value on EQ", "version: 1\nseccomp:\n  rules:\n    - names: [clone]\n      args:\n        - { index: 0, op: EQ, value: 1, valueTwo: 2 }\n", "nginx.yaml:6: seccomp.rules[0].args[0].valueTwo: unknown field"],
    ["an argument index past 5", "version: 1\nseccomp:\n  rules:\n    - names: [clone]\n      args:\n        - { index: 6, op: EQ, value: 1 }\n", "nginx.yaml:6: seccomp.rules[0].args[0].index: Too big: expected number to be <=5"],
    ["an unknown capability", "version: 1\napparmor:\n  capabilities: [net_bind_service, chwn]\n", 'nginx.yaml:3: apparmor.capabilities[1]: "chwn" is not a Linux capability'],
    ["a bad network rule", "version: 1\napparmor:\n  network: [inet stram]\n", 'nginx.yaml:3: apparmor.network[0]: "inet stram" is not an AppArmor network rule (DOMAIN [TYPE|PROTOCOL])'],
    ["w with a", "version: 1\napparmor:\n  files:\n    - path: /tmp/x\n      perms: rwa\n", 'nginx.yaml:5: apparmor.files[0].perms: "rwa": "w" and "a" exclude each other'],
    ["two exec modes", "version: 1\napparmor:\n  files:\n    - path: /bin/sh\n      perms: rixPx\n", 'nginx.yaml:5: apparmor.files[0].perms: "rixPx": more than one exec mode'],
    ["an unknown perm", "version: 1\napparmor:\n  files:\n    - path: /bin/sh\n      perms: rz\n", 'nginx.yaml:5: apparmor.files[0].perms: "rz" is not an AppArmor file permission set'],
    ["a relative path", "version: 1\napparmor:\n  exec: [usr/bin/id]\n", "nginx.yaml:3: apparmor.exec[0]: must be an absolute path or start with an AppArmor variable (@{...})"],
    ["a YAML syntax error", "version: 1\nseccomp: [\n", "nginx.yaml:3:"],
    ["an unknown tag", "version: 1\nseccomp:\n  allow: [!syscall read]\n", "nginx.yaml:3: Unresolved tag: !syscall"],
    ["a duplicate key", "version: 1\nversion: 1\n", "nginx.yaml:2: Map keys must be unique"],
  ])("rejects %s with file, line and field", (_, text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it("reports the first problem in the file", () => {
    expect(parseError("version: 1\napparmor:\n  exec: [x]\nseccomp:\n  allow: [opne]\n")).toMatch(/^nginx\.yaml:3: apparmor\.exec/);
  });

  it("accepts the AppArmor vocabulary", () => {
    const text = `version: 1
apparmor:
  files: [{ path: "@{PROC}/@{pid}/stat", perms: r }, { path: /usr/bin/python3.11, perms: mrix }, { path: /x, perms: PUx }]
  network: [raw, tcp, netlink dgram, vsock, inet6 icmp]
  capabilities: [chown, checkpoint_restore]
`;
    expect(parseAllowlist(text, "a.yaml").content.apparmor?.files).toHaveLength(3);
  });
});

describe("loadAllowlist", () => {
  it("reads a file and names it in errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "allowlist-"));
    const good = join(dir, "good.yaml");
    writeFileSync(good, "version: 1\n");
    expect((await loadAllowlist(good)).file).toBe(good);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "version: 1\nseccomp: { allow: [nope] }\n");
    await expect(loadAllowlist(bad)).rejects.toThrow(`${bad}:2: seccomp.allow[0]: "nope"`);
    await expect(loadAllowlist(join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml: cannot read allowlist \(ENOENT\)/);
  });
});

describe("policyFromAllowlist", () => {
  const source = { kind: "allowlist", file: "nginx.yaml" } as const;
  const nginx = parseAllowlist(NGINX, "nginx.yaml");

  it("applies top-level lists to the target ABIs, arch sections to their ABI", () => {
    const policy = policyFromAllowlist(nginx, ["x86_64"]);
    expect(Object.keys(policy.allow)).toEqual(["x86_64"]);
    expect(Object.keys(policy.allow.x86_64?.syscalls ?? {})).toEqual(["arch_prctl", "openat", "read", "write"]);
    expect(policy.allow.x86_64?.syscalls.read).toEqual({ sources: [source], args: {} });
    expect(policy.allow.x86_64?.rules).toEqual([
      { name: "socket", args: [{ index: 0, op: "EQ", value: 2 }], sources: [source] },
    ]);
  });

  it("denies on every ABI that has the call, targeted or not", () => {
    const policy = policyFromAllowlist(nginx, ["x86_64"]);
    expect(Object.keys(policy.deny)).toEqual(["x86_64", "aarch64", "x86", "x32", "arm"]);
    expect(Object.keys(policy.deny.x86_64 ?? {})).toEqual(["iopl", "ptrace"]);
    expect(policy.deny.aarch64).toEqual({ ptrace: { sources: [source] } });
  });

  it("uses the targeted arch sections only for allows", () => {
    const policy = policyFromAllowlist(nginx, ["aarch64", "x86_64"]);
    expect(policy.allow.aarch64?.syscalls.renameat).toBeDefined();
    expect(policy.allow.aarch64?.syscalls.arch_prctl).toBeUndefined();
  });

  it("applies a name where it exists, and fails when no target ABI has it", () => {
    const allowlist = parseAllowlist("version: 1\nseccomp:\n  allow: [read, open]\n", "a.yaml");
    const policy = policyFromAllowlist(allowlist, ["x86_64", "aarch64"]);
    expect(policy.allow.x86_64?.syscalls.open).toBeDefined();
    expect(policy.allow.aarch64?.syscalls.open).toBeUndefined();
    expect(() => policyFromAllowlist(allowlist, ["aarch64"])).toThrow(
      'a.yaml:3: seccomp.allow[1]: "open" is not a syscall on aarch64',
    );
  });

  it("stores names as the tables spell them on each ABI", () => {
    const allowlist = parseAllowlist("version: 1\nseccomp:\n  allow: [sync_file_range2]\n", "a.yaml");
    expect(Object.keys(policyFromAllowlist(allowlist, ["arm"]).allow.arm?.syscalls ?? {})).toEqual(["arm_sync_file_range"]);
  });

  it("joins a rule written twice and sorts its conditions", () => {
    const allowlist = parseAllowlist(
      `version: 1
seccomp:
  rules:
    - { names: [clone], args: [{ index: 1, op: NE, value: 0 }, { index: 0, op: MASKED_EQ, value: 7, valueTwo: 0 }] }
    - { names: [clone], args: [{ index: 0, op: MASKED_EQ, value: 7, valueTwo: 0 }, { index: 1, op: NE, value: 0 }] }
`,
      "a.yaml",
    );
    expect(policyFromAllowlist(allowlist, ["x86_64"]).allow.x86_64?.rules).toEqual([
      {
        name: "clone",
        args: [
          { index: 0, op: "MASKED_EQ", value: 7, valueTwo: 0 },
          { index: 1, op: "NE", value: 0 },
        ],
        sources: [{ kind: "allowlist", file: "a.yaml" }],
      },
    ]);
  });
});
