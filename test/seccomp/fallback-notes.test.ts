/** A fallback is noted only when the workload's own newer call needs it, not the runtime baseline's. */
import { describe, expect, it } from "vitest";
import { parseStraceText } from "../../src/parse/index.js";
import { parseAllowlist } from "../../src/policy/allowlist.js";
import { generateSeccomp } from "../../src/seccomp/generate.js";
import { evaluate } from "../../src/seccomp/evaluate.js";

const ALLOW = { action: "allow" };

function trace(text: string) {
  return parseStraceText(text, { file: "t.strace", pid: 1 });
}

const READ_ONLY = trace("read(0, \"\", 1) = 0\nexit_group(0) = ?\n");
const PROBES_FACCESSAT2 = trace('faccessat2(AT_FDCWD, "/bin/sh", X_OK, AT_EACCESS) = 0\nexit_group(0) = ?\n');
const FACCESSAT_NOTE = /^faccessat: allowed as the fallback of traced faccessat2/;

describe("fallback notes", () => {
  it("says nothing of a fallback only the runtime baseline's call needs, and still allows it", async () => {
    const { profile, notes } = await generateSeccomp({ traces: [READ_ONLY], runtime: "runc" });
    expect(notes.filter((note) => FACCESSAT_NOTE.test(note))).toEqual([]);
    expect(evaluate(profile, "x86_64", "faccessat2")).toEqual(ALLOW);
    expect(evaluate(profile, "x86_64", "faccessat")).toEqual(ALLOW);
  });

  it("notes the fallback of a traced newer call, with or without the runtime", async () => {
    for (const runtime of ["runc", "none"] as const) {
      const { notes } = await generateSeccomp({ traces: [PROBES_FACCESSAT2], runtime });
      expect(notes.filter((note) => FACCESSAT_NOTE.test(note))).toHaveLength(1);
    }
  });

  it("notes the fallback of an allowlisted newer call", async () => {
    const allowlist = parseAllowlist('{"version": 1, "seccomp": {"allow": ["faccessat2"]}}', "a.json");
    const { notes } = await generateSeccomp({ traces: [READ_ONLY], allowlists: [allowlist], runtime: "runc" });
    expect(notes.filter((note) => FACCESSAT_NOTE.test(note))).toHaveLength(1);
  });
});
