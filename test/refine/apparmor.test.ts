import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { literalPath, matches, profile, renderProfile, type Rule } from "../../src/apparmor/index.js";
import { parseAuditText } from "../../src/parse/audit/index.js";
import { addedRuleLine, refineAppArmor, unchangedAccessLine } from "../../src/refine/index.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { requireTools } from "../support/tools.js";
import { appArmorRecord, openRecord } from "./apparmor-log.js";

const events = (...lines: string[]) => parseAuditText(`${lines.join("\n")}\n`, { file: "dmesg.txt" });
const read = (path: string): Rule => ({
  kind: "file", deny: false, owner: false, path: literalPath(path), perms: { read: true, link: false, lock: false, mmap: false },
});
const complain = profile("app", ["attach_disconnected", "complain", "mediate_deleted"], [read("/etc/hostname")]);

describe("refineAppArmor", () => {
  it("adds a rule per access the log shows, with count and first record, and leaves complain mode", async () => {
    const log = events(
      "[ 1.0] some other kernel line",
      openRecord("/etc/os-release", "r"),
      openRecord("/etc/os-release", "r"),
      appArmorRecord('operation="exec" class="file" name="/usr/bin/uname" requested_mask="x" denied_mask="x" fsuid=0 ouid=0 target="app//null-/usr/bin/uname"'),
      appArmorRecord('operation="capable" class="cap" capability=10  capname="net_bind_service"'),
      appArmorRecord('operation="create" class="net" family="inet" sock_type="stream" protocol=6 requested="create" denied="create"'),
      openRecord("/opt/app/data.txt", "r").replace('profile="app"', 'profile="app//null-/usr/bin/uname"'),
      openRecord("/etc/shadow", "r").replace('profile="app"', 'profile="other"'),
    );
    const refined = await refineAppArmor(complain, log);
    expect(refined.added.map(addedRuleLine)).toEqual([
      "added /etc/os-release r,: 2 records, first at dmesg.txt:2",
      "added /opt/app/data.txt r,: 1 record, first at dmesg.txt:7",
      "added /usr/bin/uname ix,: 1 record, first at dmesg.txt:4",
      "added capability net_bind_service,: 1 record, first at dmesg.txt:5",
      "added network inet stream,: 1 record, first at dmesg.txt:6",
    ]);
    const text = renderProfile(refined.profile);
    expect(text).toContain("profile app flags=(attach_disconnected,mediate_deleted) {");
    expect(text).toContain("  /usr/bin/uname ix,");
    expect(text).toContain("  capability net_bind_service,");
    expect(text).toContain("  network inet stream,");
    expect(matches(refined.profile, "/etc/os-release", "r")).toBe(true);
    expect(matches(refined.profile, "/opt/app/data.txt", "r")).toBe(true);
    expect(matches(refined.profile, "/etc/shadow", "r")).toBe(false);
    expect(refined.leftComplain).toBe(true);
    expect(refined.unchanged).toEqual([]);
    expect(refined.notes).toEqual(["1 AppArmor record of other profiles ignored", "1 line that are not audit records ignored"]);
  });

  it("learns the exec, not a read of the program, from what its complain-mode child profile logs", async () => {
    const child = { profile: "app//null-/usr/bin/ls" };
    const log = events(
      appArmorRecord('operation="exec" class="file" name="/usr/bin/ls" requested_mask="x" denied_mask="x" fsuid=0 ouid=0 target="app//null-/usr/bin/ls"'),
      appArmorRecord('operation="file_mmap" class="file" name="/usr/bin/ls" requested_mask="r" denied_mask="r" fsuid=0 ouid=0', child),
      appArmorRecord('operation="open" class="file" name="/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0" requested_mask="r" denied_mask="r" fsuid=0 ouid=0', child),
    );
    const refined = await refineAppArmor(complain, log);
    expect(refined.added.map(addedRuleLine)).toEqual(["added /usr/bin/ls ix,: 1 record, first at dmesg.txt:1"]);
    expect(refined.notes).toContain("1 record of a program mapping itself under its complain-mode child profile: its exec rule (ix) covers that");
    expect(matches(refined.profile, "/usr/bin/ls", "r")).toBe(false);
  });

  it("learns signals and ptrace between its own processes (children by the profile's name), and refuses labels a rule cannot name", async () => {
    const log = events(
      appArmorRecord('operation="signal" class="signal" requested_mask="send" denied_mask="send" signal=term peer="app//null-/usr/bin/sleep"'),
      appArmorRecord('operation="signal" class="signal" requested_mask="receive" denied_mask="receive" signal=term peer="app"', { profile: "app//null-/usr/bin/sleep" }),
      appArmorRecord('operation="ptrace" class="ptrace" requested_mask="read" denied_mask="read" peer="unconfined"'),
      appArmorRecord('operation="signal" class="signal" requested_mask="send" denied_mask="send" signal=hup peer="/usr/sbin/x (enforce)"'),
      appArmorRecord('operation="create" class="net" family="inet" sock_type="dgram" protocol=17 requested="create" denied="create"'),
      appArmorRecord('operation="create" class="net" family="inet" sock_type="dgram" protocol=17 requested="create" denied="create"'),
    );
    const refined = await refineAppArmor(complain, log);
    expect(refined.added.map(addedRuleLine)).toEqual([
      "added network inet dgram,: 2 records, first at dmesg.txt:5",
      "added ptrace (read) peer=unconfined,: 1 record, first at dmesg.txt:3",
      "added signal (receive) set=(term) peer=app,: 1 record, first at dmesg.txt:2",
      "added signal (send) set=(term) peer=app,: 1 record, first at dmesg.txt:1",
    ]);
    expect(refined.unchanged.map(unchangedAccessLine)).toEqual([
      'signal send hup peer=/usr/sbin/x (enforce): 1 record, first at dmesg.txt:4, left unchanged: peer "/usr/sbin/x (enforce)" is a label a rule cannot name plainly',
    ]);
    const twice = await refineAppArmor(refined.profile, log);
    expect(twice.added).toEqual([]);
  });

  it("turns per-run names into the generator's narrow globs, never wider, and merges accesses of one path", async () => {
    const log = events(
      appArmorRecord('operation="mknod" class="file" name="/tmp/tmp.AbC123xYz0" requested_mask="c" denied_mask="c" fsuid=0 ouid=0'),
      openRecord("/tmp/tmp.AbC123xYz0", "w"),
      openRecord("/proc/1234/cmdline", "r"),
      openRecord("/var/log/app.log", "a"),
      openRecord("/var/log/app.log", "r"),
    );
    const refined = await refineAppArmor(complain, log);
    expect(refined.added.map(addedRuleLine)).toEqual([
      "added /var/log/app.log ra,: 2 records, first at dmesg.txt:4",
      "added owner /tmp/tmp.?????????? w,: 2 records, first at dmesg.txt:1",
      "added owner @{PROC}/@{pid}/cmdline r,: 1 record, first at dmesg.txt:3",
    ]);
    expect(matches(refined.profile, "/tmp/tmp.Zz9Zz9Zz9Z", "w")).toBe(true);
    expect(matches(refined.profile, "/tmp/other", "w")).toBe(false);
  });

  it("widens an existing rule of the same path instead of adding a second one", async () => {
    const refined = await refineAppArmor(complain, events(openRecord("/etc/hostname", "rw")));
    expect(refined.added.map(addedRuleLine)).toEqual(["widened /etc/hostname rw, (was /etc/hostname r,): 1 record, first at dmesg.txt:1"]);
    expect(refined.profile.rules.filter((rule) => rule.kind === "file")).toHaveLength(1);
  });

  it("reports what it cannot turn into a rule, and leaves deny rules alone", async () => {
    const denyShadow: Rule = {
      kind: "file", deny: true, owner: false, path: literalPath("/etc/shadow"), perms: { read: true, link: false, lock: false, mmap: false },
    };
    const withDeny = profile("app", ["complain"], [denyShadow]);
    const log = events(
      openRecord("/etc/shadow", "r"),
      appArmorRecord('operation="mount" info="failed mntpnt match" error=-13 name="/mnt/" fstype="ext2" srcname="/dev/loop0/" flags="rw"'),
      appArmorRecord('operation="file_mmap" info="Failed name lookup - disconnected path" error=-13 name="var/run/x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'),
    );
    const refined = await refineAppArmor(withDeny, log);
    expect(refined.added).toEqual([]);
    expect(refined.unchanged.map(unchangedAccessLine)).toEqual([
      "/etc/shadow r,: 1 record, first at dmesg.txt:1, left unchanged: a deny rule of the profile refuses it; refine does not override denies",
      "file_mmap var/run/x r: 1 record, first at dmesg.txt:3, left unchanged: the kernel could not name the file (Failed name lookup - disconnected path)",
      'mount: 1 record, first at dmesg.txt:2, left unchanged: refine writes no rules for operation="mount"',
    ]);
  });

  it("keeps complain mode when asked, and warns when the log holds nothing of the profile", async () => {
    const refined = await refineAppArmor(complain, events(openRecord("/etc/shadow", "r", "").replace('profile="app"', 'profile="other"')), { keepComplain: true });
    expect(refined.profile.flags).toContain("complain");
    expect(refined.leftComplain).toBe(false);
    expect(refined.warnings).toEqual(["the log holds no ALLOWED or DENIED records of profile app: nothing to learn from"]);
  });

  const PATHS = ["/etc/os-release", "/etc/hostname", "/opt/a b/c", "/tmp/tmp.AbC123xYz0", "/proc/77/maps", "/usr/bin/env", "/var/lib/x/"];
  const MASKS = ["r", "w", "a", "rw", "c", "x", "m", "k", "l"];

  it("laws: every logged access is granted afterwards, whatever the order; a second run changes nothing; the profile parses", async () => {
    const skip = requireTools("refined profiles parse", "apparmor_parser").length > 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...MASKS)), { maxLength: 10 }), async (accesses) => {
        const log = events(...accesses.map(([path, mask]) => openRecord(path, mask)));
        const once = await refineAppArmor(complain, log);
        for (const [path, mask] of accesses) {
          const request = mask.replace("c", "w").replace("x", "ix");
          expect(matches(once.profile, path, request), `${path} ${mask}\n${renderProfile(once.profile)}`).toBe(true);
        }
        expect(matches(once.profile, "/etc/shadow", "r")).toBe(false);
        const reversed = await refineAppArmor(complain, [...log].reverse());
        expect(renderProfile(reversed.profile)).toBe(renderProfile(once.profile));
        const twice = await refineAppArmor(once.profile, log);
        expect(twice.added).toEqual([]);
        expect(renderProfile(twice.profile)).toBe(renderProfile(once.profile));
        if (!skip) expect(runApparmorParser(renderProfile(once.profile)).status).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
