/**
 * Complain mode end to end: a workload runs under runc with a deliberately
 * incomplete `profilesmith seccomp --complain` profile (SCMP_ACT_LOG), the
 * kernel's own seccomp records are read back with dmesg, `profilesmith refine`
 * adds what they show, and the refined profile enforces: the workload runs
 * unchanged and a call it never made stays denied.
 *
 * The kernel prints audit records (no auditd here) through printk's shared
 * rate limit (10 per 5 s), so the steps run one after another, each complain
 * run starts in a fresh window, and a second run 5 s later makes the kernel
 * say whether it suppressed any of the first run's records.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { requireTools } from "../support/tools.js";
import type { OciSeccomp } from "./support/bundle.js";
import { compileC } from "./support/compile.js";
import { runContainer, type ContainerResult } from "./support/container.js";
import { scratchDir } from "./support/scratch-dir.js";
import { runIn } from "../support/cli.js";

const FLAGS = ["-static", "-nostdlib", "-fno-stack-protector"];
const SYSCALL = `
static long syscall1(long number, long a) {
  long result;
  __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a) : "rcx", "r11", "memory");
  return result;
}
`;

/** The calls the incomplete profile lacks: each failure sets one bit of the exit status. */
const LEARNED = ["getegid", "getuid", "uname"];
const WORKLOAD_SOURCE = `${SYSCALL}
void _start(void) {
  char buffer[512];
  long status = 0;
  if (syscall1(63 /* uname */, (long)buffer) != 0) status |= 1;
  if (syscall1(102 /* getuid */, 0) < 0) status |= 2;
  if (syscall1(108 /* getegid */, 0) < 0) status |= 4;
  syscall1(231 /* exit_group */, status);
  for (;;) {}
}
`;

/** A call the workload never makes: exits with the errno sysinfo got (0 when it was allowed). */
const PROBE_SOURCE = `${SYSCALL}
void _start(void) {
  char info[256];
  long result = syscall1(99 /* sysinfo */, (long)info);
  syscall1(231 /* exit_group */, result < 0 ? -result : 0);
  for (;;) {}
}
`;

const WORKLOAD_COMM = "complain-wl";
const EPERM = 1;
/** printk's rate-limit interval (5 s) and a margin. */
const RATE_LIMIT_WINDOW_MS = 5_500;
const ATTEMPTS = 3;

const missing = requireTools("complain-mode end-to-end test", "runc", "dmesg", "gcc");

const cli = (cwd: string, ...argv: string[]) => runIn(cwd, argv, {});

describe.skipIf(missing.length).sequential("complain mode with runc and the kernel's own log", () => {
  let dir: string;
  const binds = () => [{ host: dir, container: "/w", writable: false }];
  const run = (program: string, seccomp: OciSeccomp): Promise<ContainerResult> =>
    runContainer({ runtime: "runc", args: [`/w/${program}`], noNewPrivileges: true, seccomp, binds: binds() });
  const profile = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8")) as OciSeccomp;
  const dmesg = (...args: string[]) => execFileSync("dmesg", args, { encoding: "utf8" });

  beforeAll(() => {
    dir = scratchDir("complain");
    compileC(dir, WORKLOAD_COMM, WORKLOAD_SOURCE, FLAGS);
    compileC(dir, "probe", PROBE_SOURCE, FLAGS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the kernel logs SCMP_ACT_LOG decisions", () => {
    const logged = readFileSync("/proc/sys/kernel/seccomp/actions_logged", "utf8").trim().split(/\s+/);
    expect(logged, "kernel.seccomp.actions_logged must include log, or SCMP_ACT_LOG leaves no record").toContain("log");
  });

  test("profilesmith seccomp --complain makes the incomplete profile", async () => {
    writeFileSync(join(dir, "allow.yaml"), "version: 1\nseccomp:\n  allow: [exit_group]\n");
    const made = await cli(dir, "seccomp", "--allow", join(dir, "allow.yaml"), "--arch", "x86_64", "--complain", "--format", "oci", "-o", "complain.json");
    expect(made.code, made.err).toBe(0);
    expect(profile("complain.json")).toMatchObject({ defaultAction: "SCMP_ACT_LOG" });
    // Enforced as it is, the profile is incomplete: every call the workload makes itself fails.
    const enforced = await run(WORKLOAD_COMM, { ...profile("complain.json"), defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: EPERM });
    expect(enforced.exitCode, enforced.stderr).toBe(7);
  });

  test(
    "the workload runs under complain mode and the kernel logs, unsuppressed, what the profile lacks",
    async () => {
      const failures: string[] = [];
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        await sleep(RATE_LIMIT_WINDOW_MS);
        dmesg("-C");
        const complain = await run(WORKLOAD_COMM, profile("complain.json"));
        expect(complain.exitCode, `nothing is denied in complain mode: ${complain.stderr}`).toBe(0);
        await sleep(RATE_LIMIT_WINDOW_MS);
        // The first record after the window tells whether any of the first run's were suppressed.
        await run(WORKLOAD_COMM, profile("complain.json"));
        const log = dmesg();
        const suppressed = log.split("\n").filter((line) => line.includes("callbacks suppressed"));
        const records = log.split("\n").filter((line) => line.includes("type=1326") && line.includes(`comm="${WORKLOAD_COMM}"`));
        if (suppressed.length === 0 && records.length > 0) {
          writeFileSync(join(dir, "dmesg.txt"), log);
          return;
        }
        failures.push(
          `attempt ${attempt}: ${suppressed.length > 0 ? `the kernel rate-limited records (${suppressed.join("; ")})` : `no seccomp records of ${WORKLOAD_COMM} (another dmesg -C?)`}`,
        );
      }
      throw new Error(`no complete kernel log of the complain run: ${failures.join(", ")}`);
    },
    3 * ATTEMPTS * RATE_LIMIT_WINDOW_MS + 60_000,
  );

  test("refine adds exactly the calls the log shows, and the second refine changes nothing", async () => {
    const refined = await cli(dir, "refine", "complain.json", "--from-audit", "dmesg.txt", "--comm", WORKLOAD_COMM, "-o", "refined.json");
    expect(refined.code, refined.err).toBe(0);
    const added = refined.out.split("\n").filter((line) => line.startsWith("added "));
    expect(added.map((line) => line.split(" ")[1])).toEqual(LEARNED);
    expect(profile("refined.json")).toMatchObject({ defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: EPERM });

    const before = readFileSync(join(dir, "refined.json"), "utf8");
    const again = await cli(dir, "refine", "refined.json", "--from-audit", "dmesg.txt", "--comm", WORKLOAD_COMM);
    expect(again).toMatchObject({ code: 0, out: "nothing to add\n" });
    expect(readFileSync(join(dir, "refined.json"), "utf8")).toBe(before);
  });

  test("the refined profile enforces: the workload runs unchanged, an untouched call stays denied", async () => {
    const workload = await run(WORKLOAD_COMM, profile("refined.json"));
    expect(workload.exitCode, workload.stderr).toBe(0);
    const probe = await run("probe", profile("refined.json"));
    expect(probe.exitCode, `sysinfo must get EPERM: ${probe.stderr}`).toBe(EPERM);
  });
});
