/**
 * verify against the real runtimes: a probe program's calls, traced inside a
 * container without a filter, are replayed against a profile generated from
 * a run of the probe making only a few of them (two socket families among
 * them, so the profile filters socket by family); then the probe runs under
 * that profile with runc and crun. Each probe call the runtime refuses (EPERM or ENOSYS: the
 * probes never get those unfiltered) is exactly one verify lists.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ADDRESS_FAMILIES } from "../../src/parse/constants.js";
import { RUNTIMES, type Runtime } from "../e2e/support/bundle.js";
import { compileC } from "../e2e/support/compile.js";
import { runContainer } from "../e2e/support/container.js";
import { ENOSYS, EPERM } from "../e2e/support/expected-denial.js";
import { PROBE_CAPABILITIES, PROBE_SOURCE, PROBES, probeResults, type Probe } from "../e2e/support/probe.js";
import { scratchDir } from "../e2e/support/scratch-dir.js";
import { requireTools } from "../support/tools.js";
import { run } from "./support.js";

interface Listed {
  readonly syscall: string;
  readonly args: readonly { index: number; value: number }[];
  readonly calls: number;
  readonly first: { readonly line: number };
}

const missing = requireTools("verify against runc and crun", "runc", "crun", "strace", "gcc", "unshare");

describe.skipIf(missing.length > 0)("verify agrees with the runtimes", () => {
  let probeDir = "";
  beforeAll(() => {
    probeDir = scratchDir("verify-probe");
    compileC(probeDir, "probe", PROBE_SOURCE);
  });
  afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

  async function traceProbe(runtime: Runtime, dir: string, probes: readonly Probe[]): Promise<string> {
    const result = await runContainer({
      runtime,
      noNewPrivileges: false,
      args: ["strace", "-f", "-o", "/out/trace", "--", "/probe/probe", ...probes.map((probe) => probe.name)],
      extraCapabilities: ["CAP_SYS_PTRACE", ...PROBE_CAPABILITIES],
      binds: [
        { host: probeDir, container: "/probe", writable: false },
        { host: dir, container: "/out", writable: true },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    return join(dir, "trace");
  }

  /**
   * Whether verify lists the probe's call. A socket group is the probe's when
   * it compares arg0 with the probe's family or, where the trace does not show
   * the family (the parser cannot read every protocol strace prints), when its
   * one call is on the probe's line.
   */
  function listedBy(listed: readonly Listed[], probe: Probe, traceLines: readonly string[]): boolean {
    return listed.some((call) => {
      if (call.syscall !== probe.syscall) return false;
      if (probe.family === undefined) return true;
      const arg0 = call.args.find((a) => a.index === 0)?.value;
      if (arg0 !== undefined) return arg0 === ADDRESS_FAMILIES[probe.family];
      return call.calls === 1 && (traceLines[call.first.line - 1] ?? "").includes(`socket(${probe.family},`);
    });
  }

  test.each(RUNTIMES)("%s refuses exactly the probe calls verify lists", async (runtime) => {
    const dir = scratchDir("verify-runtime");
    try {
      const allowed = PROBES.filter((probe) => ["socket:AF_UNIX", "socket:AF_INET6", "pidfd_open"].includes(probe.name));
      const startup = await traceProbe(runtime, dir, allowed);
      const profile = join(dir, "profile.json");
      const generated = await run(["seccomp", startup, "--runtime", runtime, "--format", "oci", "-o", profile]);
      expect(generated.code, generated.err).toBe(0);

      const probesDir = scratchDir("verify-probes");
      const probed = await traceProbe(runtime, probesDir, PROBES);
      const verified = await run(["verify", "--seccomp", profile, probed, "--json"]);
      const traceLines = readFileSync(probed, "utf8").split("\n");
      rmSync(probesDir, { recursive: true, force: true });
      expect(verified.code).toBe(1);
      const report = JSON.parse(verified.out) as { denied: Listed[]; fallbacks: Listed[] };

      for (const noNewPrivileges of [true, false]) {
        const enforced = await runContainer({
          runtime,
          noNewPrivileges,
          args: ["/probe/probe", ...PROBES.map((probe) => probe.name)],
          extraCapabilities: PROBE_CAPABILITIES,
          binds: [{ host: probeDir, container: "/probe", writable: false }],
          seccomp: JSON.parse(readFileSync(profile, "utf8")) as Record<string, unknown>,
        });
        expect(enforced.exitCode, enforced.stderr).toBe(0);
        const results = probeResults(enforced.stdout);
        const byRuntime = PROBES.map((probe) => [probe.name, [EPERM, ENOSYS].includes(results.get(probe.name) ?? -1)]);
        const byVerify = PROBES.map((probe) => [probe.name, listedBy([...report.denied, ...report.fallbacks], probe, traceLines)]);
        expect(byVerify).toEqual(byRuntime);
        expect(byRuntime.filter(([, refused]) => !refused).map(([name]) => name)).toEqual(allowed.map((probe) => probe.name));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
