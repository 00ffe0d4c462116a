import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApparmorParser } from "../apparmor/parser.js";
import { runIn } from "../support/cli.js";
import { requireTools } from "../support/tools.js";
import { appArmorRecord, openRecord } from "./apparmor-log.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "profilesmith-refine-aa-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runIn(dir, argv, {});
const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), "utf8");

async function complainProfile(): Promise<void> {
  writeFileSync(file("app.strace"), '100 openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3\n100 exit_group(0) = ?\n');
  const made = await run("apparmor", file("app.strace"), "--name", "app", "--complain", "-o", file("app.apparmor"));
  expect(made.code, made.err).toBe(0);
}

describe("profilesmith apparmor --complain", () => {
  it("writes flags=(complain) beside the container flags, and apparmor_parser accepts it", async () => {
    await complainProfile();
    expect(read("app.apparmor")).toContain("profile app flags=(attach_disconnected,complain,mediate_deleted) {");
    if (requireTools("complain profile parses", "apparmor_parser").length === 0) expect(runApparmorParser(read("app.apparmor")).status).toBe(0);
  });
});

describe("profilesmith refine (AppArmor profile)", () => {
  it("adds a rule per access, says which record asked, leaves complain mode, in place; the second run changes nothing", async () => {
    await complainProfile();
    writeFileSync(file("dmesg.txt"), [openRecord("/etc/os-release", "r"), appArmorRecord('operation="capable" class="cap" capability=12  capname="net_admin"'), ""].join("\n"));
    const first = await run("refine", "app.apparmor", "--from-audit", "dmesg.txt");
    expect(first.code, first.err).toBe(0);
    expect(first.out).toBe(
      [
        "added /etc/os-release r,: 1 record, first at dmesg.txt:1",
        "added capability net_admin,: 1 record, first at dmesg.txt:2",
        "flags: complain removed (the profile enforces)",
        "",
      ].join("\n"),
    );
    const refined = read("app.apparmor");
    expect(refined).toContain("profile app flags=(attach_disconnected,mediate_deleted) {");
    expect(refined).toContain("  # learned from dmesg.txt:1\n  /etc/os-release r,\n");
    const second = await run("refine", "app.apparmor", "--from-audit", "dmesg.txt");
    expect(second).toMatchObject({ code: 0, out: "nothing to add\n" });
    expect(read("app.apparmor")).toBe(refined);
  });

  it("keeps complain mode when asked, writes to -o, and exits 1 naming what it left", async () => {
    await complainProfile();
    writeFileSync(file("dmesg.txt"), `${appArmorRecord('operation="mount" info="failed mntpnt match" error=-13 name="/mnt/" fstype="ext2"')}\n`);
    const before = read("app.apparmor");
    const result = await run("refine", "app.apparmor", "--from-audit", "dmesg.txt", "--keep-complain", "-o", "out.apparmor");
    expect(result.code).toBe(1);
    expect(result.err).toContain('mount: 1 record, first at dmesg.txt:1, left unchanged: refine writes no rules for operation="mount"');
    expect(read("out.apparmor")).toBe(before);
    expect(read("app.apparmor")).toBe(before);
  });

  it("refuses an AppArmor profile it cannot read, naming file and line, and writes nothing", async () => {
    writeFileSync(file("bad.apparmor"), "abi <abi/3.0>,\ninclude <tunables/global>\nprofile app {\n  mount,\n}\n");
    writeFileSync(file("dmesg.txt"), `${openRecord("/etc/os-release", "r")}\n`);
    const result = await run("refine", "bad.apparmor", "--from-audit", "dmesg.txt");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/bad\.apparmor:4/);
  });

  it("refuses --exe for an AppArmor profile: its records name no executable", async () => {
    await complainProfile();
    writeFileSync(file("dmesg.txt"), `${openRecord("/etc/os-release", "r")}\n`);
    const result = await run("refine", "app.apparmor", "--from-audit", "dmesg.txt", "--exe", "/usr/bin/app");
    expect(result.code).toBe(2);
    expect(result.err).toContain("AppArmor records carry no exe=");
  });
});
