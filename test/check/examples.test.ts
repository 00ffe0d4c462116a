import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/check/manifest.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { requireTools } from "../support/tools.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "profiles", "examples");
const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The AppArmor profiles an example's manifest lists, as paths. */
function apparmorProfiles(example: string): string[] {
  const file = join(EXAMPLES, example, "profilesmith.yaml");
  const { content } = parseManifest(readFileSync(file, "utf8"), file);
  return content.profiles.filter((profile) => profile.kind === "apparmor").map((profile) => join(EXAMPLES, example, profile.output));
}

describe("the shipped examples", () => {
  it.each(examples)("%s has a seccomp and an AppArmor profile named after it", (example) => {
    const file = join(EXAMPLES, example, "profilesmith.yaml");
    const { content } = parseManifest(readFileSync(file, "utf8"), file);
    expect(content.profiles.map((profile) => profile.kind).sort()).toEqual(["apparmor", "seccomp"]);
    for (const profile of apparmorProfiles(example)) expect(readFileSync(profile, "utf8")).toContain(`\nprofile ${content.name} flags=(`);
  });

  describe.skipIf(requireTools("example AppArmor profiles through apparmor_parser", "apparmor_parser").length)("apparmor_parser", () => {
    it.each(examples)("compiles %s's AppArmor profile against the features file", (example) => {
      for (const profile of apparmorProfiles(example)) {
        const run = runApparmorParser(readFileSync(profile, "utf8"));
        expect(run.status, `${profile}: ${run.stderr}`).toBe(0);
      }
    });
  });
});
