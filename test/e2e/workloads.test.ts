import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadRuntimeBaseline, VDSO_CALLS } from "../../src/seccomp/index.js";
import { requireTools, UNDER_CI } from "../support/tools.js";
import { RUNTIMES, type OciSeccomp, type Runtime } from "./support/bundle.js";
import { compileC } from "./support/compile.js";
import { runContainer } from "./support/container.js";
import { PROBE_CAPABILITIES, PROBE_SOURCE, PROBES, probeResults, type Probe } from "./support/probe.js";
import { scratchDir } from "./support/scratch-dir.js";
import { allowOnly } from "./support/seccomp-profile.js";
import { tracedSocketFamilies, tracedSyscalls } from "./support/trace-facts.js";
import { traceInside } from "./support/trace-inside.js";
import { PYTHON_ENV, WORKLOADS, type Workload } from "./support/workloads.js";

const EPERM = 1;
const ENOSYS = 38;
const CLI = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;

interface Traced {
  readonly traces: readonly string[];
  readonly syscalls: ReadonlySet<string>;
  readonly families: ReadonlySet<string>;
}

/**
 * Where a profile comes from: hand-built from the traced names, the vDSO calls
 * and the runtime baseline (checks the harness and the baselines without the
 * generator), or `profilesmith seccomp --format oci --runtime R`.
 */
interface ProfileSource {
  readonly name: string;
  make(traced: Traced, runtime: Runtime, outDir: string): Promise<OciSeccomp>;
  /** Probes the profile must deny: calls (and socket families) the workload never made. */
  deniable(probe: Probe, traced: Traced): boolean;
}

const handBuilt: ProfileSource = {
  name: "hand-built profile",
  async make(traced, runtime) {
    const baseline = loadRuntimeBaseline(runtime).syscalls.map((call) => call.name);
    return allowOnly([...traced.syscalls, ...VDSO_CALLS.x86_64.map((call) => call.name), ...baseline]);
  },
  // No argument rules: a traced socket call allows every family.
  deniable: (probe, traced) => !traced.syscalls.has(probe.syscall),
};

const cli: ProfileSource = {
  name: "CLI profile",
  async make(traced, runtime, outDir) {
    const output = join(outDir, `${runtime}.json`);
    await promisify(execFile)("node", [CLI, "seccomp", ...traced.traces, "--format", "oci", "--runtime", runtime, "-o", output]);
    return JSON.parse(readFileSync(output, "utf8")) as OciSeccomp;
  },
  deniable: (probe, traced) =>
    probe.family === undefined ? !traced.syscalls.has(probe.syscall) : !traced.families.has(probe.family),
};

/** The errno a profile states for `syscall` when no rule allows it: ENOSYS where an unconditional rule says so. */
function statedErrno(profile: OciSeccomp, syscall: string): number {
  const rules = (profile.syscalls ?? []) as ReadonlyArray<{ names: string[]; action: string; errnoRet?: number; args?: unknown[] }>;
  const enosys = rules.some(
    (rule) => rule.action === "SCMP_ACT_ERRNO" && rule.errnoRet === ENOSYS && !rule.args?.length && rule.names.includes(syscall),
  );
  return enosys ? ENOSYS : ((profile.defaultErrnoRet as number | undefined) ?? EPERM);
}

const missingTools = requireTools("end-to-end workload tests", "runc", "crun", "strace", "gcc", "unshare", "python3");

function cliMissing(): boolean {
  if (existsSync(CLI)) return false;
  const reason = `${CLI} is not built (npm run build)`;
  if (UNDER_CI) throw new Error(`${reason}; under CI=true this must run, not skip`);
  process.stderr.write(`skipping CLI end-to-end tests: ${reason}\n`);
  return true;
}

const SOURCES = [handBuilt, ...(cliMissing() ? [] : [cli])];

describe.skipIf(missingTools.length)("workloads traced in a container and run under their profile", () => {
  let probeDir = "";
  const probeBind = () => [{ host: probeDir, container: "/probe", writable: false }];

  beforeAll(() => {
    probeDir = scratchDir("probe");
    compileC(probeDir, "probe", PROBE_SOURCE);
  });
  afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

  test.each(RUNTIMES)("every probe gets through unfiltered under %s, so a denial is the filter's", async (runtime) => {
    const run = await runContainer({
      runtime,
      noNewPrivileges: false,
      args: ["/probe/probe", ...PROBES.map((probe) => probe.name)],
      extraCapabilities: PROBE_CAPABILITIES,
      binds: probeBind(),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const blocked = [...probeResults(run.stdout)].filter(([, errno]) => errno === EPERM || errno === ENOSYS);
    expect(blocked).toEqual([]);
  });

  describe.each(WORKLOADS.map((workload: Workload) => ({ workload, name: workload.name })))("$name", ({ workload }) => {
    let traceDir = "";
    let traced: Traced = { traces: [], syscalls: new Set(), families: new Set() };
    let expected = "";

    beforeAll(async () => {
      traceDir = scratchDir("trace");
      const plain = await runContainer({ runtime: "runc", noNewPrivileges: false, args: workload.args, env: PYTHON_ENV });
      expect(plain, plain.stderr).toMatchObject({ exitCode: 0 });
      expected = plain.stdout;
      const { run, traces } = await traceInside("runc", workload, traceDir);
      expect(run, run.stderr).toMatchObject({ exitCode: 0, stdout: expected });
      traced = { traces, syscalls: tracedSyscalls(traces), families: tracedSocketFamilies(traces) };
    });
    afterAll(() => rmSync(traceDir, { recursive: true, force: true }));

    describe.each(SOURCES.flatMap((source) => RUNTIMES.map((runtime) => ({ source, runtime, name: `${source.name}, ${runtime}` }))))(
      "$name",
      ({ source, runtime }) => {
        let profile: OciSeccomp = {};
        beforeAll(async () => {
          profile = await source.make(traced, runtime, traceDir);
        });

        test.each([true, false])("runs with the same output, noNewPrivileges %s", async (noNewPrivileges) => {
          const run = await runContainer({ runtime, noNewPrivileges, args: workload.args, env: PYTHON_ENV, seccomp: profile });
          expect(run, run.stderr).toMatchObject({ exitCode: 0, stdout: expected });
        });

        test.each([true, false])("denies every call the workload never made, noNewPrivileges %s", async (noNewPrivileges) => {
          const probes = PROBES.filter((probe) => source.deniable(probe, traced));
          expect(probes.map((probe) => probe.name)).toEqual(expect.arrayContaining(["bpf", "keyctl", "mount", "ptrace", "setns"]));
          const run = await runContainer({
            runtime,
            noNewPrivileges,
            args: ["/probe/probe", ...probes.map((probe) => probe.name)],
            extraCapabilities: PROBE_CAPABILITIES,
            binds: probeBind(),
            seccomp: profile,
          });
          expect(run.exitCode, run.stderr).toBe(0);
          const wanted = new Map(probes.map((probe) => [probe.name, statedErrno(profile, probe.syscall)]));
          expect(probeResults(run.stdout)).toEqual(wanted);
        });
      },
    );
  });
});
