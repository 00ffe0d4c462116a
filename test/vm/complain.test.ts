/**
 * The complain-mode loop in a real AppArmor kernel: a profile generated from a
 * trace of only part of the workload, in complain mode, lets the whole
 * workload run while the kernel logs (apparmor="ALLOWED") what the profile
 * lacks; `profilesmith refine` turns the kernel's own log into rules on the
 * host; the refined profile then enforces: the workload prints what it printed
 * unconfined, and the probes stay denied.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAppArmor } from "../../src/apparmor/index.js";
import { parseStraceText } from "../../src/parse/index.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { runIn, type CliRun } from "../support/cli.js";
import { requireAppArmorVm } from "./support/gate.js";
import { startAppArmorVm, type AppArmorVm, type RunResult } from "./support/vm.js";

const NAME = "complain-loop";
/** The part of the workload the incomplete profile was traced from. */
const TRACED_PART = "/bin/sh -c 'head -1 /etc/os-release'";
/**
 * The whole workload: a temporary file (a per-run name) given away with chown (a capability), a listing, a
 * pipeline, and programs the trace never saw.
 */
const WORKLOAD =
  "/bin/sh -c 'head -1 /etc/os-release; t=$(mktemp); ls /etc | sort | head -3 > $t; chown 1:1 $t; wc -l < $t; rm $t; " +
  "uname -s'";
const PROBES = {
  readShadow: "read -r line < /etc/shadow",
  createInTmp: ": > /tmp/profilesmith-probe",
  execId: "/usr/bin/id",
} as const;

describe.skipIf(requireAppArmorVm("complain mode and refine in an AppArmor kernel").length)(
  "complain mode, the kernel's log, refine, enforce (AppArmor)",
  () => {
    let vm: AppArmorVm;
    let dir: string;
    let unconfined: RunResult;
    let complainText: string;
    let complainRun: RunResult;
    let refine: CliRun;
    let refinedText: string;

    beforeAll(async () => {
      vm = await startAppArmorVm();
      dir = mkdtempSync(join(tmpdir(), "profilesmith-complain-vm-"));
      unconfined = await vm.run(WORKLOAD);
      await vm.run(`strace -f -yy -s 256 -o /tmp/part.trace ${TRACED_PART} > /dev/null`);
      const trace = await vm.run("cat /tmp/part.trace");
      const events = parseStraceText(trace.stdout, { file: "part.trace" });
      complainText = (await generateAppArmor({ name: NAME, traces: [events], root: "/", complain: true })).text;
      await vm.loadProfile(complainText);
      await vm.run("dmesg --clear");
      complainRun = await vm.run(`aa-exec -p ${NAME} -- ${WORKLOAD}`);
      writeFileSync(join(dir, "dmesg.txt"), (await vm.run("dmesg --read-clear")).stdout);
      writeFileSync(join(dir, `${NAME}.apparmor`), complainText);
      refine = await runIn(dir, ["refine", `${NAME}.apparmor`, "--from-audit", "dmesg.txt"]);
      refinedText = readFileSync(join(dir, `${NAME}.apparmor`), "utf8");
      await vm.loadProfile(refinedText);
      await vm.takeDenials();
    }, 600_000);

    afterAll(async () => {
      await vm?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("the partial profile is in complain mode and lacks what the rest of the workload does", () => {
      expect(complainText).toContain(`profile ${NAME} flags=(attach_disconnected,complain,mediate_deleted) {`);
      expect(complainText).not.toContain("/usr/bin/uname");
      expect(runApparmorParser(complainText).status).toBe(0);
    });

    it("under complain mode the workload runs as it does unconfined", () => {
      expect(unconfined).toMatchObject({ stderr: "", exitCode: 0 });
      expect(complainRun).toEqual(unconfined);
    });

    it("refine learns from the kernel's unsuppressed log: one line per rule, the record's file:line, complain left", () => {
      expect(refine.code, refine.err).toBe(0);
      expect(refine.err).not.toContain("warning");
      const lines = refine.out.trim().split("\n");
      expect(lines.at(-1)).toBe("flags: complain removed (the profile enforces)");
      for (const line of lines.slice(0, -1)) expect(line).toMatch(/^(?:added|widened) .+,.*: \d+ records?, first at dmesg\.txt:\d+$/);
      expect(refine.out).toMatch(/^added \/usr\/bin\/uname ix,: /m);
      // Not an owner rule: after the chown, the records show the file owned by another user.
      expect(refine.out).toMatch(/^added \/tmp\/tmp\.\?{10} rw,: /m);
      expect(refine.out).toMatch(/^added capability chown,: /m);
      expect(refinedText).toContain(`profile ${NAME} flags=(attach_disconnected,mediate_deleted) {`);
      expect(runApparmorParser(refinedText).status).toBe(0);
    });

    it("refining again with the same log changes nothing", async () => {
      const again = await runIn(dir, ["refine", `${NAME}.apparmor`, "--from-audit", "dmesg.txt"]);
      expect(again).toMatchObject({ code: 0, out: "nothing to add\n" });
      expect(readFileSync(join(dir, `${NAME}.apparmor`), "utf8")).toBe(refinedText);
    });

    it("the refined profile enforces: the workload runs unchanged (a new temporary name too), without denials", async () => {
      for (const run of [1, 2]) {
        const confined = await vm.run(`aa-exec -p ${NAME} -- ${WORKLOAD}`);
        const denials = await vm.takeDenials();
        expect({ run, ...confined, denials }, refinedText).toEqual({ run, ...unconfined, denials: [] });
      }
    });

    it("reading /etc/shadow, a new file in /tmp and /usr/bin/id stay denied", async () => {
      const results: Record<string, { exitCode: number; denied: string[] }> = {};
      for (const [probe, command] of Object.entries(PROBES)) {
        const run = await vm.run(`aa-exec -p ${NAME} -- /bin/sh -c '${command}'`);
        const denials = await vm.takeDenials();
        results[probe] = { exitCode: run.exitCode === 0 ? 0 : 1, denied: denials.map((d) => `${d.name} ${d.denied_mask}`) };
      }
      expect(results, refinedText).toEqual({
        readShadow: { exitCode: 1, denied: ["/etc/shadow r"] },
        createInTmp: { exitCode: 1, denied: [expect.stringMatching(/^\/tmp\/profilesmith-probe [wc]+$/)] },
        execId: { exitCode: 1, denied: ["/usr/bin/id x"] },
      });
    });
  },
);
