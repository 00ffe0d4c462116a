/**
 * refine on a real kernel's log, without the VM: test/refine/apparmor-kernel/
 * holds what test/vm/complain.test.ts recorded in Debian's 6.1 kernel (the
 * complain-mode profile generated from a trace of part of its workload, and
 * the dmesg of the whole workload run under it).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { matches, renderProfile } from "../../src/apparmor/index.js";
import { readAppArmorProfile } from "../../src/apparmor/read.js";
import { parseAuditText } from "../../src/parse/audit/index.js";
import { addedRuleLine, refineAppArmor } from "../../src/refine/index.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { requireTools } from "../support/tools.js";

const fixture = (name: string) => readFileSync(new URL(`./apparmor-kernel/${name}`, import.meta.url), "utf8");

describe("refineAppArmor on the kernel's own complain-mode log", () => {
  const profileFile = "complain-loop.apparmor";
  const complain = readAppArmorProfile(fixture(profileFile), profileFile);
  const log = () => parseAuditText(fixture("dmesg.txt"), { file: "dmesg.txt" });

  it("learns the programs the workload ran and its temporary file as a per-run glob, and nothing else", async () => {
    const refined = await refineAppArmor(complain, log());
    expect(refined.added.map(addedRuleLine)).toEqual([
      "added /etc/ r,: 1 record, first at dmesg.txt:28",
      "added /usr/bin/ls ix,: 1 record, first at dmesg.txt:9",
      "added /usr/bin/mktemp ix,: 1 record, first at dmesg.txt:1",
      "added /usr/bin/rm ix,: 1 record, first at dmesg.txt:37",
      "added /usr/bin/sort ix,: 1 record, first at dmesg.txt:13",
      "added /usr/bin/uname ix,: 1 record, first at dmesg.txt:44",
      "added /usr/bin/wc ix,: 1 record, first at dmesg.txt:30",
      "added owner /tmp/tmp.?????????? rw,: 7 records, first at dmesg.txt:7",
    ]);
    expect(refined.unchanged).toEqual([]);
    expect(refined.warnings).toEqual([]);
    expect(refined.profile.flags).toEqual(["attach_disconnected", "mediate_deleted"]);
    for (const [path, perms] of [["/etc/shadow", "r"], ["/tmp/profilesmith-probe", "w"], ["/usr/bin/id", "x"], ["/usr/bin/ls", "r"]] as const) {
      expect(matches(refined.profile, path, perms), `${path} ${perms}`).toBe(false);
    }
    if (requireTools("refined profile parses", "apparmor_parser").length === 0) expect(runApparmorParser(renderProfile(refined.profile)).status).toBe(0);
  });
});
