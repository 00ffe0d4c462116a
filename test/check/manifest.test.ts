import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAppArmor } from "../../src/apparmor/index.js";
import { parseManifest, renderManifest, WORKLOAD_NAME } from "../../src/check/manifest.js";
import { recordManifest } from "../../src/record/record.js";

const VALID = `version: 1
name: web
traces: [trace.strace]
profiles:
  - kind: seccomp
    output: seccomp.json
`;

const APPARMOR = `${VALID}  - kind: apparmor
    output: apparmor.profile
`;

function errorOf(text: string): string {
  try {
    parseManifest(text, "m.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("manifests", () => {
  it("fill in the generator's defaults", () => {
    const { content } = parseManifest(VALID, "m.yaml");
    expect(content.allowlists).toEqual([]);
    expect(content.profiles[0]).toEqual({
      kind: "seccomp",
      output: "seccomp.json",
      format: "docker",
      runtime: "runc",
      defaultAction: "errno",
      args: true,
      vdso: true,
    });
  });

  it("fill in the AppArmor generator's defaults", () => {
    const { content } = parseManifest(APPARMOR, "m.yaml");
    expect(content.profiles[1]).toEqual({ kind: "apparmor", output: "apparmor.profile", implicitCapabilities: true, symlinks: [] });
  });

  it("accept only names the AppArmor profile can take as its own", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(WORKLOAD_NAME), async (name) => {
        const generated = await generateAppArmor({ name });
        expect(generated.profile.name).toBe(name);
      }),
      { numRuns: 200 },
    );
  });

  it("read back what record writes", () => {
    const text = renderManifest(recordManifest("node"));
    expect(text).toMatch(/^# profilesmith manifest/);
    expect(parseManifest(text, "m.yaml").content).toMatchObject(recordManifest("node"));
  });

  it.each([
    ["an unknown field", VALID.replace("name: web", "name: web\nextra: 1"), "m.yaml:3: extra: unknown field"],
    ["an unknown option", `${VALID}    frobnicate: true\n`, "m.yaml:7: profiles[0].frobnicate: unknown field"],
    ["a bad format", `${VALID}    format: xml\n`, "m.yaml:7: profiles[0].format:"],
    ["an unknown kind", VALID.replace("kind: seccomp", "kind: selinux"), "m.yaml:5: profiles[0].kind:"],
    ["a missing version", VALID.replace("version: 1\n", ""), "m.yaml:1: version:"],
    ["version 2", VALID.replace("version: 1", "version: 2"), "m.yaml:1: version:"],
    ["a bad name", VALID.replace("name: web", "name: Web App"), "m.yaml:2: name: a name is lowercase"],
    ["no inputs", VALID.replace("traces: [trace.strace]\n", ""), "give at least one trace or allowlist"],
    ["no profiles", VALID.replace(/profiles:[^]*/, "profiles: []\n"), "m.yaml:4: profiles: list at least one profile"],
    ["an output outside", VALID.replace("output: seccomp.json", "output: ../x.json"), "m.yaml:6: profiles[0].output: an output stays inside"],
    ["an output over an input", VALID.replace("output: seccomp.json", "output: ./trace.strace"), "m.yaml:6: profiles[0].output:"],
    ["an unknown AppArmor option", `${APPARMOR}    complain: true\n`, "m.yaml:9: profiles[1].complain: unknown field"],
    ["a seccomp option on AppArmor", `${APPARMOR}    format: docker\n`, "m.yaml:9: profiles[1].format: unknown field"],
    ["implicitCapabilities not a boolean", `${APPARMOR}    implicitCapabilities: maybe\n`, "m.yaml:9: profiles[1].implicitCapabilities:"],
    ["symlinks not a list", `${APPARMOR}    symlinks: symlinks.json\n`, "m.yaml:9: profiles[1].symlinks:"],
    ["an empty root", `${APPARMOR}    root: ""\n`, "m.yaml:9: profiles[1].root: a path cannot be empty"],
    ["an AppArmor output outside", APPARMOR.replace("output: apparmor.profile", "output: /etc/apparmor.d/web"), "m.yaml:8: profiles[1].output: an output stays inside"],
    ["an AppArmor output over the seccomp one", APPARMOR.replace("output: apparmor.profile", "output: seccomp.json"), "m.yaml:8: profiles[1].output:"],
    ["an output over a symlinks file", `${APPARMOR}    symlinks: [links.json]\n`.replace("output: seccomp.json", "output: links.json"), "m.yaml:6: profiles[0].output:"],
    ["bad YAML", "version: [1\n", "m.yaml:"],
    ["not a mapping", "- 1\n", "m.yaml:1: (document): a manifest is a mapping"],
  ])("refuse %s, naming file and line", (_what, text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});
