import { describe, expect, it } from "vitest";
import { parseDenials } from "./support/denials.js";

const LOG = `[    7.850833] audit: type=1400 audit(1795524942.786:3): apparmor="DENIED" operation="open" profile="zz" name="/etc/ld.so.cache" pid=122 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
[    7.901000] 9pnet: Installing 9P2000 support
[    7.934006] audit: type=1400 audit(1795524942.870:4): apparmor="DENIED" operation="mknod" profile="zz" name=2F746D702F6120622C63 pid=123 comm="dash" requested_mask="c" denied_mask="c" fsuid=0 ouid=0
[    7.950000] audit: type=1400 audit(1795524942.880:5): apparmor="STATUS" operation="profile_load" profile="unconfined" name="zz" pid=99 comm="apparmor_parser"
`;

describe("AppArmor denials from the kernel log", () => {
  it("reads each DENIED record's fields in log order, skipping other lines", () => {
    expect(parseDenials(LOG)).toEqual([
      expect.objectContaining({ operation: "open", profile: "zz", name: "/etc/ld.so.cache", requested_mask: "r", pid: "122" }),
      expect.objectContaining({ operation: "mknod", comm: "dash", denied_mask: "c" }),
    ]);
  });

  it("decodes names the kernel logged in hex because they hold spaces or commas", () => {
    expect(parseDenials(LOG)[1]?.name).toBe("/tmp/a b,c");
  });
});
