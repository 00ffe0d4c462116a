import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIn } from "../support/cli.js";

const A = `abi <abi/3.0>,
include <tunables/global>

profile app flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  # why we need it
  capability chown,
  network inet stream,
  /srv/conf r,
  /srv/data/** rw,
  /usr/bin/app ix,
}
`;

/** A with comments dropped, rules reordered and a path's permissions split over two rules. */
const A_REWRITTEN = `profile app flags=(mediate_deleted, attach_disconnected) {
  /usr/bin/app ix,
  /srv/data/** r,
  network inet stream,
  /srv/data/** w,
  capability chown,
  /srv/conf r,
}
`;

const B = `profile app flags=(attach_disconnected,complain,mediate_deleted) {
  capability chown,
  capability sys_admin,
  /srv/conf rw,
  /srv/data/** rw,
  mount fstype=tmpfs,
}
`;

function diff(files: Record<string, string>, ...argv: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-diff-apparmor-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return runIn(dir, ["diff", ...argv]);
}

describe("profilesmith diff on AppArmor profiles", () => {
  it("the same rules however written: exit 0", async () => {
    expect(await diff({ "a.apparmor": A, "b.apparmor": A_REWRITTEN }, "a.apparmor", "b.apparmor")).toEqual({
      code: 0,
      out: "a.apparmor and b.apparmor have the same rules\n",
      err: "",
    });
  });

  it("per rule, by kind: only in A, only in B, changed permissions; flags (exit 1)", async () => {
    const { code, out, err } = await diff({ "a.apparmor": A, "b.apparmor": B }, "a.apparmor", "b.apparmor");
    expect({ code, err }).toEqual({ code: 1, err: "" });
    expect(out).toBe(
      [
        "flags: a.apparmor: flags=(attach_disconnected,mediate_deleted) | b.apparmor: flags=(attach_disconnected,complain,mediate_deleted)",
        "capability: only b.apparmor: capability sys_admin,",
        "file: a.apparmor: /srv/conf r, | b.apparmor: /srv/conf rw,",
        "file: only a.apparmor: /usr/bin/app ix,",
        "mount: only b.apparmor: mount fstype=tmpfs,",
        "network: only a.apparmor: network inet stream,",
        "",
      ].join("\n"),
    );
  });

  it("--json", async () => {
    const { code, out } = await diff({ "a.apparmor": A, "b.apparmor": B }, "a.apparmor", "b.apparmor", "--json");
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ kind: "apparmor", a: "a.apparmor", b: "b.apparmor", same: false });
    expect(report.rules).toContainEqual({ kind: "capability", change: "added", b: "capability sys_admin," });
    expect(report.rules).toContainEqual({ kind: "file", change: "changed", a: "/srv/conf r,", b: "/srv/conf rw," });
    expect(report.rules).toContainEqual({ kind: "network", change: "removed", a: "network inet stream," });
  });

  it("a seccomp and an AppArmor profile: usage error (exit 2)", async () => {
    const { code, out, err } = await diff({ "a.apparmor": A, "s.json": '{"defaultAction":"SCMP_ACT_ERRNO"}' }, "a.apparmor", "s.json");
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toContain("cannot compare a apparmor profile (a.apparmor) with a seccomp profile (s.json)");
  });

  it("an unreadable AppArmor profile: input error naming file and line (exit 2)", async () => {
    const { code, err } = await diff({ "a.apparmor": A, "b.apparmor": "profile app {\n  dbus send,\n}\n" }, "a.apparmor", "b.apparmor");
    expect(code).toBe(2);
    expect(err).toMatch(/b\.apparmor:2: unknown rule "dbus"\n$/);
  });
});
