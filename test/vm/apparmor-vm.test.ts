import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../support/tools.js";
import { requireAppArmorVm } from "./support/gate.js";
import { startAppArmorVm, type AppArmorVm } from "./support/vm.js";

const FIXTURES = new URL("../fixtures/apparmor/", import.meta.url);
const SMOKE_PROFILE = readFileSync(new URL("smoke.apparmor", FIXTURES), "utf8");
const CONFINED = "aa-exec -p profilesmith-smoke --";
const ALLOWED_FILE = "/etc/debian_version";

describe.skipIf(requireTools("offline AppArmor check", "apparmor_parser").length)("the smoke-test profile", () => {
  it("compiles against the committed kernel feature set", () => {
    const features = new URL("features.all", FIXTURES).pathname;
    const profile = new URL("smoke.apparmor", FIXTURES).pathname;
    expect(() => execFileSync("apparmor_parser", ["-QK", "-M", features, profile], { stdio: "pipe" })).not.toThrow();
  });
});

describe.skipIf(requireAppArmorVm("AppArmor VM", "runc").length)("an AppArmor kernel in qemu", () => {
  let vm: AppArmorVm;

  beforeAll(async () => {
    vm = await startAppArmorVm();
    await vm.loadProfile(SMOKE_PROFILE);
  }, 300_000);

  afterAll(async () => {
    await vm?.stop();
  });

  it("has AppArmor enabled and the smoke profile loaded in enforce mode", async () => {
    const result = await vm.run("cat /sys/module/apparmor/parameters/enabled /sys/kernel/security/apparmor/profiles");
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout.split("\n")).toEqual(expect.arrayContaining(["Y", "profilesmith-smoke (enforce)"]));
  });

  it("runs jobs in the host root after switch_root, with writable tmpfs where workloads write", async () => {
    const result = await vm.run("set -e; test -d /proc/1 && ls -di / && touch /tmp/x /run/x /dev/shm/x && echo ok");
    expect(result.stdout).toMatch(/^\d+ \/\nok\n$/);
    expect(result.exitCode).toBe(0);
  });

  it("reports stdout, stderr and the exit code of a job", async () => {
    expect(await vm.run("echo out; echo err >&2; exit 3")).toEqual({ stdout: "out\n", stderr: "err\n", exitCode: 3 });
  });

  it("shares files written on the host with the jobs", async () => {
    const path = vm.putFile("inputs/greeting.txt", "hello\n");
    expect(await vm.run(`cat ${path}`)).toEqual({ stdout: "hello\n", stderr: "", exitCode: 0 });
  });

  it("lets the confined program read the file its profile allows", async () => {
    const result = await vm.run(`${CONFINED} cat ${ALLOWED_FILE}`);
    expect(result).toEqual({ stdout: readFileSync(ALLOWED_FILE, "utf8"), stderr: "", exitCode: 0 });
  });

  it("denies reading /etc/shadow under the profile, which unconfined root may read", async () => {
    expect((await vm.run("cat /etc/shadow >/dev/null")).exitCode).toBe(0);
    const confined = await vm.run(`${CONFINED} cat /etc/shadow`);
    expect(confined.exitCode).not.toBe(0);
    expect(confined.stderr).toContain("/etc/shadow: Permission denied");
  });

  it("logs the denial in the kernel log, read back by takeDenials", async () => {
    await vm.takeDenials();
    await vm.run(`${CONFINED} cat /etc/shadow`);
    expect(await vm.takeDenials()).toContainEqual(
      expect.objectContaining({ operation: "open", profile: "profilesmith-smoke", name: "/etc/shadow", denied_mask: "r" }),
    );
    expect(await vm.takeDenials()).toEqual([]);
  });

  it("lets the confined shell run the binary its profile allows and no other", async () => {
    const allowed = await vm.run(`${CONFINED} /usr/bin/dash -c 'cat ${ALLOWED_FILE}'`);
    expect(allowed).toMatchObject({ stdout: readFileSync(ALLOWED_FILE, "utf8"), exitCode: 0 });
    const denied = await vm.run(`${CONFINED} /usr/bin/dash -c /usr/bin/id`);
    expect(denied.exitCode).toBe(126);
    expect(denied.stderr).toContain("Permission denied");
  });

  it("denies creating a new file in /tmp under the profile", async () => {
    const result = await vm.run(`${CONFINED} /usr/bin/dash -c 'echo x > /tmp/new-file'; test ! -e /tmp/new-file`);
    expect(result.stderr).toContain("Permission denied");
    expect(result.exitCode).toBe(0);
  });

  it("confines a runc container through process.apparmorProfile", async () => {
    const allowed = await vm.runContainer({ args: ["cat", ALLOWED_FILE], apparmorProfile: "profilesmith-smoke" });
    expect(allowed).toEqual({ stdout: readFileSync(ALLOWED_FILE, "utf8"), stderr: "", exitCode: 0 });
    const denied = await vm.runContainer({ args: ["cat", "/etc/shadow"], apparmorProfile: "profilesmith-smoke" });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain("/etc/shadow: Permission denied");
    const noTmpFile = await vm.runContainer({ args: ["dash", "-c", "echo x > /tmp/new-file"], apparmorProfile: "profilesmith-smoke" });
    expect(noTmpFile.stderr).toContain("Permission denied");
    const unconfined = await vm.runContainer({
      args: ["dash", "-c", "cat /etc/shadow >/dev/null && echo x > /tmp/new-file"],
      apparmorProfile: "unconfined",
    });
    expect(unconfined).toEqual({ stdout: "", stderr: "", exitCode: 0 });
  }, 300_000); // four containers under TCG
});

describe.skipIf(requireAppArmorVm("AppArmor VM boot failure").length)("a VM that does not come up", () => {
  it("is killed at the boot timeout and the error shows the console tail", async () => {
    await expect(startAppArmorVm({ bootTimeoutMs: 1 })).rejects.toThrow(/^AppArmor VM: boot did not finish within 1 ms; console tail:\n/);
  });
});
