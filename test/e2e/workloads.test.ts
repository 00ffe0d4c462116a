import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadRuntimeBaseline, VDSO_CALLS, type RuntimeName } from "../../src/seccomp/index.js";
import { requireTools, UNDER_CI } from "../support/tools.js";
import { RUNTIMES, type OciSeccomp, type Runtime } from "./support/bundle.js";
import { compileC } from "./support/compile.js";
import { dockerToOci } from "./support/docker-profile.js";
import { ENOSYS, EPERM, expectedErrno } from "./support/expected-denial.js";
import { runContainer, type Lifecycle } from "./support/container.js";
import { PROBE_CAPABILITIES, PROBE_SOURCE, PROBES, probeResults, type Probe } from "./support/probe.js";
import { scratchDir } from "./support/scratch-dir.js";
import { allowOnly } from "./support/seccomp-profile.js";
import { tracedSocketFamilies, tracedSyscalls } from "./support/trace-facts.js";
import { traceInside } from "./support/trace-inside.js";
import { PYTHON_ENV, WORKLOADS, type Workload } from "./support/workloads.js";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
/** What `profilesmith seccomp` adds without `--runtime`. */
const DEFAULT_BASELINE: RuntimeName = "runc";

interface Traced {
  readonly traces: readonly string[];
  readonly syscalls: ReadonlySet<string>;
  readonly families: ReadonlySet<string>;
}

/**
 * Where a profile comes from: hand-built from the traced names, the vDSO calls
 * and the runtime baseline (checks the harness and the baselines without the
 * generator), or made by `profilesmith seccomp`.
 */
interface ProfileSource {
  readonly name: string;
  /** How the runtime starts the container under the profile. */
  readonly lifecycle: Lifecycle;
  make(traced: Traced, baseline: RuntimeName, outDir: string): Promise<OciSeccomp>;
  /** Probes the profile must deny: calls (and socket families) the workload never made. */
  deniable(probe: Probe, traced: Traced): boolean;
}

const handBuilt: ProfileSource = {
  name: "hand-built profile",
  lifecycle: "run",
  async make(traced, baseline) {
    const runtimeCalls = loadRuntimeBaseline(baseline).syscalls.map((call) => call.name);
    return allowOnly([...traced.syscalls, ...VDSO_CALLS.x86_64.map((call) => call.name), ...runtimeCalls]);
  },
  // No argument rules: a traced socket call allows every family.
  deniable: (probe, traced) => !traced.syscalls.has(probe.syscall),
};

/**
 * `profilesmith seccomp` with the defaults but for `--runtime` (left out for
 * the default baseline) and, for `oci`, `--format oci`; the default Docker
 * format is handed to the runtime as Docker would, by create + start.
 */
function cliSource(format: "oci" | "docker"): ProfileSource {
  return {
    name: format === "oci" ? "CLI --format oci" : "CLI default format (docker)",
    // Docker drives the runtime by create + start.
    lifecycle: format === "oci" ? "run" : "create-start",
    async make(traced, baseline, outDir) {
      const output = join(outDir, `${baseline}.${format}.json`);
      const options = [...(format === "oci" ? ["--format", "oci"] : []), ...(baseline === DEFAULT_BASELINE ? [] : ["--runtime", baseline])];
      await promisify(execFile)("node", [CLI, "seccomp", ...traced.traces, ...options, "-o", output]);
      const profile = JSON.parse(readFileSync(output, "utf8")) as OciSeccomp;
      return format === "oci" ? profile : dockerToOci(profile);
    },
    deniable: (probe, traced) =>
      probe.family === undefined ? !traced.syscalls.has(probe.syscall) : !traced.families.has(probe.family),
  };
}

const missingTools = requireTools("end-to-end workload tests", "runc", "crun", "strace", "gcc", "unshare", "python3");

function cliMissing(): boolean {
  if (existsSync(CLI)) return false;
  const reason = `${CLI} is not built (npm run build)`;
  if (UNDER_CI) throw new Error(`${reason}; under CI=true this must run, not skip`);
  process.stderr.write(`skipping CLI end-to-end tests: ${reason}\n`);
  return true;
}

const SOURCES = [handBuilt, ...(cliMissing() ? [] : [cliSource("oci"), cliSource("docker")])];

/**
 * Each runtime with its `either` baseline in both modes and its `-nnp` one
 * with no_new_privs; and crun under the default (runc) baseline, as a profile
 * made with the defaults must run under either runtime.
 */
const TARGETS: ReadonlyArray<{ runtime: Runtime; baseline: RuntimeName; modes: boolean[] }> = [
  { runtime: "runc", baseline: "runc", modes: [true, false] },
  { runtime: "runc", baseline: "runc-nnp", modes: [true] },
  { runtime: "crun", baseline: "crun", modes: [true, false] },
  { runtime: "crun", baseline: "crun-nnp", modes: [true] },
  { runtime: "crun", baseline: "runc", modes: [true, false] },
];

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

    const cases = SOURCES.flatMap((source) =>
      TARGETS.map((target) => ({ source, ...target, name: `${source.name}, ${target.baseline} baseline, run by ${target.runtime}` })),
    );
    describe.each(cases)(
      "$name",
      ({ source, runtime, baseline, modes }) => {
        let profile: OciSeccomp = {};
        beforeAll(async () => {
          profile = await source.make(traced, baseline, traceDir);
        });

        test.each(modes)("runs with the same output, noNewPrivileges %s", async (noNewPrivileges) => {
          const spec = { runtime, noNewPrivileges, args: workload.args, env: PYTHON_ENV, seccomp: profile };
          const run = await runContainer(spec, { lifecycle: source.lifecycle });
          expect(run, run.stderr).toMatchObject({ exitCode: 0, stdout: expected });
        });

        test.each(modes)("denies every call the workload never made, noNewPrivileges %s", async (noNewPrivileges) => {
          const probes = PROBES.filter((probe) => source.deniable(probe, traced));
          expect(probes.map((probe) => probe.name)).toEqual(expect.arrayContaining(["bpf", "keyctl", "mount", "ptrace", "setns"]));
          const spec = {
            runtime,
            noNewPrivileges,
            args: ["/probe/probe", ...probes.map((probe) => probe.name)],
            extraCapabilities: PROBE_CAPABILITIES,
            binds: probeBind(),
            seccomp: profile,
          };
          const run = await runContainer(spec, { lifecycle: source.lifecycle });
          expect(run.exitCode, run.stderr).toBe(0);
          const wanted = new Map(probes.map((probe) => [probe.name, expectedErrno(profile, probe.syscall, runtime)]));
          expect(probeResults(run.stdout)).toEqual(wanted);
        });
      },
    );
  });
});
