import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateAppArmor } from "../../src/apparmor/generate.js";
import { profile } from "../../src/apparmor/profile.js";
import type { AppArmorEvent } from "../../src/events/types.js";
import { readTraces } from "../../src/parse/read-traces.js";
import { verifyAppArmor } from "../../src/verify/apparmor.js";
import { runIn } from "../support/cli.js";

const kernelLog = fileURLToPath(new URL("../refine/apparmor-kernel/dmesg.txt", import.meta.url));

function record(overrides: Partial<AppArmorEvent> & Pick<AppArmorEvent, "access">, line: number): AppArmorEvent {
  return {
    kind: "apparmor",
    pid: 10,
    verdict: "ALLOWED",
    operation: "open",
    profile: "app",
    comm: "app",
    info: undefined,
    pos: { file: "audit.log", line },
    ...overrides,
  };
}

const file = (path: string, requested: string) => ({ what: "file", path, requested, fsuid: 0, ouid: 0 }) as AppArmorEvent["access"];

describe("apparmor profiles from AppArmor audit records", () => {
  it("grants what the real kernel log's records show, per-run names as globs", async () => {
    const generated = await generateAppArmor({ name: "complain-loop", traces: [readTraces([kernelLog], { strict: false }).withRecords] });
    // The exec record (x) and the child's mmap of its own binary (r, under complain-loop//null-…).
    expect(generated.text).toMatch(/^ {2}\/usr\/bin\/mktemp rix,$/m);
    expect(generated.text).toMatch(/^ {2}\/usr\/bin\/sort rix,$/m);
    expect(generated.text).toMatch(/^ {2}owner \/tmp\/tmp\.\?{10} rw,$/m);
    // The run's name only in the glob's comment, no rule for it.
    expect(generated.text).not.toMatch(/^ {2}[^#].*Jztt8JM7nJ/m);
  });

  it("counts only the named profile's records (and its children's) when the log names several", async () => {
    const records = [
      record({ access: file("/srv/app/data", "r") }, 1),
      record({ profile: "app//null-/usr/bin/cat", access: file("/srv/app/child", "r") }, 2),
      record({ profile: "other", access: file("/srv/other/data", "r") }, 3),
      record({ verdict: "AUDIT", access: file("/srv/app/audited", "r") }, 4),
    ];
    const generated = await generateAppArmor({ name: "app", traces: [records] });
    expect(generated.text).toContain("/srv/app/data r,");
    expect(generated.text).toContain("/srv/app/child r,");
    expect(generated.text).not.toContain("/srv/other");
    expect(generated.text).not.toContain("audited");
    expect(generated.notes).toContain("1 AppArmor record(s) of other profiles than app skipped");
  });

  it("counts every record when the log names one profile", async () => {
    const generated = await generateAppArmor({ name: "renamed", traces: [[record({ access: file("/srv/app/data", "r") }, 1)]] });
    expect(generated.text).toContain("/srv/app/data r,");
  });

  it("turns capability, network and signal records into their rules, and notes records that give none", async () => {
    const records = [
      record({ operation: "capable", access: { what: "capability", capability: 10, name: "net_bind_service" } }, 1),
      record({ operation: "create", access: { what: "network", family: "inet6", sockType: "dgram", protocol: 17, requested: "create" } as AppArmorEvent["access"] }, 2),
      record({ operation: "signal", access: { what: "signal", requested: "send", signal: "term", peer: "app" } as AppArmorEvent["access"] }, 3),
      record({ access: file("relative", "r") }, 4),
    ];
    const generated = await generateAppArmor({ name: "app", traces: [records] });
    expect(generated.text).toContain("capability net_bind_service,");
    expect(generated.text).toContain("network inet6 dgram,");
    expect(generated.text).toMatch(/signal \(send\) set=\(term\) peer=app,/);
    expect(generated.notes.some((note) => note.startsWith("AppArmor record at audit.log:4 gives no rule"))).toBe(true);
    const verified = await verifyAppArmor(generated.profile, records);
    expect(verified.notes.some((note) => note.startsWith("AppArmor record at audit.log:4 gives no rule"))).toBe(true);
  });

  it("is the same profile for the same records in any order", async () => {
    const records = [
      record({ access: file("/tmp/tmp.AbC123xyZ9", "wc") }, 1),
      record({ access: file("/srv/app/data", "r") }, 2),
      record({ operation: "exec", access: file("/usr/bin/env", "x") }, 3),
    ];
    const forward = await generateAppArmor({ name: "app", traces: [records] });
    const backward = await generateAppArmor({ name: "app", traces: [[...records].reverse()] });
    expect(backward.text).toBe(forward.text);
  });
});

describe("verify --apparmor with AppArmor audit records", () => {
  it("reports the records' accesses the profile would deny, at the record", async () => {
    const records = [
      record({ access: file("/srv/app/data", "r") }, 7),
      record({ operation: "capable", access: { what: "capability", capability: 12, name: "net_admin" } }, 8),
    ];
    const result = await verifyAppArmor(profile("app", [], []), records);
    expect(result.denied.map((d) => [d.rule, d.first?.pos.line])).toEqual([
      ["/srv/app/data r,", 7],
      ["capability net_admin,", 8],
    ]);
  });

  it("finds nothing to deny in the profile generated from the same kernel log", async () => {
    const generated = await generateAppArmor({ name: "complain-loop", traces: [readTraces([kernelLog], { strict: false }).withRecords] });
    const result = await verifyAppArmor(generated.profile, readTraces([kernelLog], { strict: false }).withRecords);
    expect(result.denied).toEqual([]);
  });
});

describe("the CLI on a kernel audit log", () => {
  const dir = fileURLToPath(new URL("../refine/apparmor-kernel/", import.meta.url));

  it("profilesmith apparmor LOG --name N grants the records, and says it read them", async () => {
    const run = await runIn(dir, ["apparmor", `${dir}dmesg.txt`, "--name", "complain-loop"], {});
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^ {2}\/usr\/bin\/mktemp rix,$/m);
    expect(run.err).toMatch(/AppArmor record\(s\): profilesmith apparmor and verify --apparmor read them/);
  });

  it("profilesmith verify --apparmor P LOG reports what P would deny", async () => {
    const run = await runIn(dir, ["verify", "--apparmor", `${dir}complain-loop.apparmor`, `${dir}dmesg.txt`], {});
    expect(run.code).not.toBe(0);
    expect(run.out + run.err).toMatch(/dmesg\.txt:\d+: pid \d+/);
  });
});
