import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runIn } from "../support/cli.js";

const REPO = join(import.meta.dirname, "..", "..");
const EXAMPLE = join(REPO, "profiles", "examples", "shell-pipeline");

/** Writes `record` as `app/audit.log` and returns the manifest's path and its text with the log added to its traces. */
function withAuditLog(dir: string, record: string): { manifest: string; text: string } {
  writeFileSync(join(dir, "app", "audit.log"), record);
  const manifest = join(dir, "app", "profilesmith.yaml");
  return { manifest, text: readFileSync(manifest, "utf8").replace("  - trace.strace\n", "  - trace.strace\n  - audit.log\n") };
}

/** A copy of the shell-pipeline example under a fresh directory, as `app/`. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-check-"));
  cpSync(EXAMPLE, join(dir, "app"), { recursive: true });
  return dir;
}

describe("profilesmith check", () => {
  it("passes the shipped example profiles: they are fresh", async () => {
    const { code, out, err } = await runIn(REPO, ["check", "profiles"]);
    expect(err).toMatch(/all fresh/);
    expect(out).toBe("");
    expect(code).toBe(0);
  });

  it("passes the shipped examples wherever they are: profiles cite their inputs as the manifests name them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "profilesmith-check-examples-"));
    cpSync(join(REPO, "profiles", "examples"), join(dir, "examples"), { recursive: true });
    const { code, err } = await runIn(dir, ["check", "examples"]);
    expect(err).toMatch(/all fresh/);
    expect(code).toBe(0);
  });

  it("cites an allowlist in AppArmor rule comments by the manifest's name for it", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "app", "extra.yaml"), "version: 1\napparmor:\n  files:\n    - path: /srv/data/**\n      perms: r\n");
    const manifest = join(dir, "app", "profilesmith.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("traces:", "allowlists:\n  - extra.yaml\ntraces:"));
    expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
    expect(readFileSync(join(dir, "app", "apparmor.profile"), "utf8")).toContain("  # from extra.yaml\n  /srv/data/** r,\n");
  });

  it("names a bad input by its path from where check runs, so it can be found among many manifests", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "app", "extra.yaml"), "version: 1\nbogus: x\n");
    const manifest = join(dir, "app", "profilesmith.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("traces:", "allowlists:\n  - extra.yaml\ntraces:"));
    const bad = await runIn(dir, ["check"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("app/extra.yaml:2:");
  });

  it("grants what the AppArmor records of an audit log among the traces asked", async () => {
    const dir = workdir();
    const record =
      'type=AVC msg=audit(1795522300.100:600): apparmor="ALLOWED" operation="open" class="file" profile="shell-pipeline" name="/srv/audited" pid=6000 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0\n';
    const { manifest, text } = withAuditLog(dir, record);
    writeFileSync(manifest, text);
    expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
    expect(readFileSync(join(dir, "app", "apparmor.profile"), "utf8")).toMatch(/\n {2}\/srv\/audited r,\n/);
  });

  it("counts the seccomp records of an audit log among the traces, with or without an AppArmor profile to read events for", async () => {
    const dir = workdir();
    const record =
      "type=SECCOMP msg=audit(1700000000.123:456): auid=1000 uid=0 gid=0 ses=3 subj=unconfined pid=1234 comm=\"sh\" exe=\"/usr/bin/sh\" sig=0 arch=c000003e syscall=101 compat=0 ip=0x7f3a1c2e4d5b code=0x7ffc0000\n";
    const { manifest, text: withAudit } = withAuditLog(dir, record);
    const seccompOnly = withAudit.replace(/ {2}- kind: apparmor\n(?: {4}.*\n)*/, "");
    expect(seccompOnly).not.toContain("apparmor");
    const seccomp = join(dir, "app", "seccomp.json");
    const direct = await runIn(join(dir, "app"), ["seccomp", "trace.strace", "audit.log", "-o", "direct.json"]);
    expect(direct.code).toBe(0);
    for (const text of [withAudit, seccompOnly]) {
      writeFileSync(manifest, text);
      expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
      expect(readFileSync(seccomp, "utf8")).toContain('"ptrace"');
      expect(readFileSync(seccomp, "utf8")).toBe(readFileSync(join(dir, "app", "direct.json"), "utf8"));
    }
  });

  it("passes a fresh directory, and finds manifests in subdirectories", async () => {
    const dir = workdir();
    const { code, err } = await runIn(dir, ["check"]);
    expect(err).toContain("2 profile(s) in 1 manifest(s): all fresh");
    expect(code).toBe(0);
  });

  it("fails on a stale profile with a diff, and --write makes it fresh", async () => {
    const dir = workdir();
    const profile = join(dir, "app", "seccomp.json");
    const fresh = readFileSync(profile, "utf8");
    writeFileSync(profile, fresh.replace('        "write"\n', ""));
    const stale = await runIn(dir, ["check", "."]);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("--- app/seccomp.json (committed)\n+++ app/seccomp.json (regenerated)\n@@");
    expect(stale.out).toMatch(/^\+ {8}"write"$/m);
    expect(stale.err).toContain("app/seccomp.json is stale");

    const written = await runIn(dir, ["check", "--write"]);
    expect(written.code).toBe(0);
    expect(written.err).toContain("wrote app/seccomp.json");
    expect(readFileSync(profile, "utf8")).toBe(fresh);
  });

  it("fails on a missing profile, and regenerates when the manifest's options change", async () => {
    const dir = workdir();
    const manifest = join(dir, "app", "profilesmith.yaml");
    const options = readFileSync(manifest, "utf8").replace("format: docker", "format: oci");
    writeFileSync(manifest, options.replace("output: seccomp.json", "output: oci/seccomp.json"));
    mkdirSync(join(dir, "app", "oci"));
    const missing = await runIn(dir, ["check", "app"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("oci/seccomp.json is missing");
    expect(missing.out).toContain("@@ -0,0 +1,");
    expect((await runIn(dir, ["check", "app", "--write"])).code).toBe(0);
    const oci = JSON.parse(readFileSync(join(dir, "app", "oci", "seccomp.json"), "utf8"));
    expect(oci).toHaveProperty("architectures");
    expect(oci).not.toHaveProperty("archMap");
    expect((await runIn(dir, ["check", "app"])).code).toBe(0);
  });

  it("fails on a stale AppArmor profile with a diff, and --write makes it fresh", async () => {
    const dir = workdir();
    const profile = join(dir, "app", "apparmor.profile");
    const fresh = readFileSync(profile, "utf8");
    writeFileSync(profile, fresh.replace("  /usr/bin/tr ix,\n", ""));
    const stale = await runIn(dir, ["check"]);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("--- app/apparmor.profile (committed)\n+++ app/apparmor.profile (regenerated)\n@@");
    expect(stale.out).toMatch(/^\+ {2}\/usr\/bin\/tr ix,$/m);
    expect(stale.err).toContain("app/apparmor.profile is stale");
    expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
    expect(readFileSync(profile, "utf8")).toBe(fresh);
  });

  it("regenerates the AppArmor profile from the manifest's options: implicitCapabilities, symlinks, root", async () => {
    const dir = workdir();
    const manifest = join(dir, "app", "profilesmith.yaml");
    const original = readFileSync(manifest, "utf8");
    writeFileSync(manifest, original.replace("implicitCapabilities: true", "implicitCapabilities: false"));
    expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
    expect(readFileSync(join(dir, "app", "apparmor.profile"), "utf8")).not.toContain("capability dac_override,");

    // Without the recorded links, /usr/bin/sh is not known to be dash: the exec rule names the link, with a warning.
    writeFileSync(manifest, original.replace(/ {4}symlinks:\n {6}- symlinks.json\n/, ""));
    const unresolved = await runIn(dir, ["check", "--write"]);
    expect(unresolved.err).toMatch(/app\/apparmor.profile: warning: \d+ path\(s\) not resolved through symlinks.*trace\.strace:\d+/);
    expect(readFileSync(join(dir, "app", "apparmor.profile"), "utf8")).toContain("/usr/bin/sh ix,");

    // A root beside the manifest answers in their place.
    mkdirSync(join(dir, "app", "rootfs", "usr", "bin"), { recursive: true });
    symlinkSync("busybox", join(dir, "app", "rootfs", "usr", "bin", "sh"));
    writeFileSync(manifest, `${original.replace(/ {4}symlinks:\n {6}- symlinks.json\n/, "")}    root: rootfs\n`);
    expect((await runIn(dir, ["check", "--write"])).code).toBe(0);
    expect(readFileSync(join(dir, "app", "apparmor.profile"), "utf8")).toContain("/usr/bin/busybox ix,");
  });

  it("exits 2 naming the manifest's line for an AppArmor root that is not a directory, or a missing symlinks file", async () => {
    const dir = workdir();
    const manifest = join(dir, "app", "profilesmith.yaml");
    const original = readFileSync(manifest, "utf8");
    writeFileSync(manifest, `${original}    root: nowhere\n`);
    const line = original.split("\n").length;
    const noRoot = await runIn(dir, ["check", "--write"]);
    expect(noRoot).toMatchObject({ code: 2, out: "" });
    expect(noRoot.err).toMatch(new RegExp(`app/profilesmith\\.yaml:${line}: profiles\\[1\\]\\.root: nowhere is not a directory\n$`));

    writeFileSync(manifest, original.replace("- symlinks.json", "- gone.json"));
    const noLinks = await runIn(dir, ["check"]);
    expect(noLinks.code).toBe(2);
    expect(noLinks.err).toContain("gone.json: cannot read symlinks (ENOENT)");
  });

  it("prints each profile's status as JSON with --json", async () => {
    const dir = workdir();
    const fresh = await runIn(dir, ["check", "--json"]);
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.out)).toEqual({
      fresh: true,
      profiles: [
        { manifest: "app/profilesmith.yaml", kind: "seccomp", path: "app/seccomp.json", status: "fresh", warnings: [] },
        { manifest: "app/profilesmith.yaml", kind: "apparmor", path: "app/apparmor.profile", status: "fresh", warnings: [] },
      ],
    });
    writeFileSync(join(dir, "app", "seccomp.json"), "{}\n");
    const stale = await runIn(dir, ["check", "--json"]);
    expect(stale.code).toBe(1);
    const report = JSON.parse(stale.out);
    expect(report).toMatchObject({ fresh: false, profiles: [{ status: "stale", written: false }, { status: "fresh" }] });
    expect(report.profiles[0].diff).toMatch(/^--- app\/seccomp.json \(committed\)\n/);
  });

  it("exits 2 naming file and line for a bad manifest, and writes nothing", async () => {
    const dir = workdir();
    const manifest = join(dir, "app", "profilesmith.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("runtime: runc", "runtime: podman"));
    const { code, err, out } = await runIn(dir, ["check", "--write"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^profilesmith check: .*app\/profilesmith\.yaml:\d+: profiles\[0\]\.runtime: .*\n$/);
  });

  it("exits 2 for a manifest naming a trace that is not there", async () => {
    const dir = workdir();
    const manifest = join(dir, "app", "profilesmith.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("- trace.strace", "- gone.strace"));
    const { code, err } = await runIn(dir, ["check"]);
    expect(code).toBe(2);
    expect(err).toContain("gone.strace: cannot read (no such file)");
  });

  it("exits 2 when there is no manifest or no directory, and for bad usage", async () => {
    const empty = mkdtempSync(join(tmpdir(), "profilesmith-check-empty-"));
    expect(await runIn(empty, ["check"])).toMatchObject({ code: 2, err: expect.stringContaining("no profilesmith.yaml found") });
    expect(await runIn(empty, ["check", "nowhere"])).toMatchObject({ code: 2, err: expect.stringContaining("no such directory") });
    expect((await runIn(empty, ["check", "a", "b"])).code).toBe(2);
    expect((await runIn(empty, ["check", "--frobnicate"])).code).toBe(2);
  });
});
