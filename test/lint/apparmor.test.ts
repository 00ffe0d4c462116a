import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIn } from "../support/cli.js";

function lint(profile: string, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-lint-apparmor-"));
  writeFileSync(join(dir, "app.apparmor"), profile);
  return runIn(dir, ["lint", "app.apparmor", ...flags]);
}

const CLEAN = `abi <abi/3.0>,
include <tunables/global>

profile app flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  capability chown,
  network inet stream,
  signal (receive) peer=unconfined,
  /srv/app/** r,
  owner /tmp/tmp.?????????? rw,
  /usr/bin/app ix,
}
`;

const RISKY = `profile app flags=(complain) {
  capability sys_admin,
  capability dac_read_search,
  /usr/bin/helper Ux,
  /** rw,
  deny /etc/passwd w,
  mount fstype=proc -> /proc/,
  pivot_root,
  change_profile -> unconfined,
}
`;

describe("profilesmith lint on an AppArmor profile", () => {
  it("a generated-style profile has no findings (exit 0)", async () => {
    expect(await lint(CLEAN)).toEqual({ code: 0, out: "app.apparmor: no findings\n", err: "" });
  });

  it("flags risky capabilities, unconfined execs, sensitive access through globs, privileged rules and complain mode (exit 1)", async () => {
    const { code, out, err } = await lint(RISKY);
    expect({ code, err }).toEqual({ code: 1, err: "" });
    const lines = out.trimEnd().split("\n");
    expect(lines).toContain("app.apparmor:1: profile app: complain mode: flags=(complain): nothing is denied, only logged");
    expect(lines).toContain("app.apparmor:2: capability sys_admin,: risky capability: mount, namespaces, BPF, device and many other admin operations: the usual container escape");
    expect(lines.some((l) => l.startsWith("app.apparmor:3: capability dac_read_search,: risky capability: "))).toBe(true);
    expect(lines).toContain("app.apparmor:4: /usr/bin/helper Ux,: unconfined exec: Ux: the program may run without any profile");
    expect(lines).toContain("app.apparmor:5: /** rw,: risky file access: reads password hashes (/etc/shadow)");
    expect(lines).toContain("app.apparmor:5: /** rw,: risky file access: writable /proc/sys: kernel settings (core_pattern runs a program as root on the host)");
    expect(lines).toContain("app.apparmor:5: /** rw,: risky file access: a broad write glob: writes in any top-level directory");
    // The deny rule takes the write to /etc/passwd away.
    expect(out).not.toContain("/etc/passwd");
    expect(lines).toContain("app.apparmor:7: mount fstype=proc -> /proc/,: privileged rule: mounts filesystems (with capability sys_admin: over the container's own files, or proc and sysfs)");
    expect(lines.some((l) => l.startsWith("app.apparmor:8: pivot_root,: privileged rule: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("app.apparmor:9: change_profile -> unconfined,: privileged rule: "))).toBe(true);
    expect(lines.at(-1)).toMatch(/^app\.apparmor: \d+ findings$/);
  });

  it("a literal secret is flagged on its own line", async () => {
    const { code, out } = await lint("profile app {\n  /etc/shadow r,\n  /proc/sys/net/ipv4/ip_forward w,\n}\n");
    expect(code).toBe(1);
    expect(out).toBe(
      "app.apparmor:2: /etc/shadow r,: risky file access: reads password hashes (/etc/shadow)\n" +
        "app.apparmor:3: /proc/sys/net/ipv4/ip_forward w,: risky file access: writable /proc/sys: kernel settings (core_pattern runs a program as root on the host)\n" +
        "app.apparmor: 2 findings\n",
    );
  });

  it("--json", async () => {
    const { code, out } = await lint("profile app {\n  capability sys_module,\n}\n", "--json");
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      kind: "apparmor",
      profile: "app.apparmor",
      findings: [{ check: "risky capability", line: 2, rule: "capability sys_module,", reason: "loads kernel modules: runs code in the host kernel" }],
    });
  });

  it("an unreadable profile is an input error naming file and line (exit 2)", async () => {
    const { code, out, err } = await lint("profile app {\n  capability bogus,\n}\n");
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(/app\.apparmor:2: unknown capability "bogus"\n$/);
  });
});
