import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadRuntimeBaseline, RUNTIMES, type RuntimeBaseline, type RuntimeName } from "../../src/seccomp/index.js";
import { requireTools } from "../support/tools.js";
import type { ContainerSpec, Runtime } from "./support/bundle.js";
import { compileC } from "./support/compile.js";
import { LIFECYCLES, runContainer } from "./support/container.js";
import { CLEAN_START, FD_CHECK_FLAGS, FD_CHECK_SOURCE, FD_CHECK_SYSCALLS } from "./support/fd-check.js";
import { traceRuntime } from "./support/runtime-trace.js";
import { scratchDir } from "./support/scratch-dir.js";
import { allowOnly } from "./support/seccomp-profile.js";

/**
 * Calls the runtimes make under their filter that no baseline ships: denying
 * them has no effect (profiles/runtimes/README.md, "Seen but not shipped").
 */
const SEEN_NOT_SHIPPED: Readonly<Record<Runtime, readonly string[]>> = {
  runc: ["epoll_ctl", "fcntl", "getpid"],
  crun: ["close"],
};

/** Entries no single run shows are needed (README, "Kept without a failing run"). */
const KEPT_WITHOUT_FAILING_RUN: Readonly<Record<Runtime, readonly string[]>> = {
  runc: ["fchown", "futex", "rt_sigreturn"],
  crun: [],
};

/** 3 by default; the shipped data came from 25 under CPU load (profiles/runtimes/README.md). */
/** What `profilesmith seccomp` adds without `--runtime`. */
const DEFAULT_BASELINE: RuntimeName = "runc";

/** Each test runs dozens of containers, some under strace. */
const SLOW_TEST_MS = 600_000;

const TRACED_RUNS_PER_MODE = Number(process.env.PROFILESMITH_BASELINE_RUNS ?? 3);
const NON_ROOT = { uid: 1000, gid: 1000, additionalGids: [100] };

/**
 * The runtimes a baseline must start containers under: its own, and both for
 * the default, so a profile made with the defaults runs under either.
 */
function runtimesOf(name: RuntimeName, baseline: RuntimeBaseline): Runtime[] {
  if (name === DEFAULT_BASELINE) return ["runc", "crun"];
  return [baseline.runtime === "crun" ? "crun" : "runc"];
}

/** The noNewPrivileges settings a baseline claims to be safe for. */
function modes(baseline: RuntimeBaseline): boolean[] {
  return baseline.noNewPrivileges === "either" ? [false, true] : [true];
}

function names(baseline: RuntimeBaseline): string[] {
  return baseline.syscalls.map((call) => call.name);
}

const missing = requireTools("runtime baseline tests", "runc", "crun", "strace", "gcc", "unshare");

describe.skipIf(missing.length)("runtime baselines", () => {
  let dir = "";
  beforeAll(() => {
    dir = scratchDir("fd-check");
    compileC(dir, "fd-check", FD_CHECK_SOURCE, FD_CHECK_FLAGS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function fdCheck(runtime: Runtime, noNewPrivileges: boolean, extra: Partial<ContainerSpec> = {}): ContainerSpec {
    return {
      runtime,
      noNewPrivileges,
      args: ["/check/fd-check"],
      binds: [{ host: dir, container: "/check", writable: false }],
      ...extra,
    };
  }

  const allowingAll = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["kexec_load"], action: "SCMP_ACT_ERRNO" }] };

  describe.each(RUNTIMES.map((name: RuntimeName) => ({ name, baseline: loadRuntimeBaseline(name) })))(
    "$name",
    ({ name, baseline }) => {
      const runtimes = runtimesOf(name, baseline);
      const runs = runtimes.flatMap((runtime) =>
        modes(baseline).flatMap((noNewPrivileges) => LIFECYCLES.map((lifecycle) => ({ runtime, noNewPrivileges, lifecycle }))),
      );

      test("is sorted, unique and labelled with the runtime's version", () => {
        const listed = names(baseline);
        expect(listed).toEqual([...new Set(listed)].sort());
        expect(baseline.source).toContain(baseline.version);
      });

      test("lists every call the runtimes make under their filter, but the documented harmless ones", async () => {
        const unlisted = new Set<string>();
        for (const { runtime, noNewPrivileges, lifecycle } of runs) {
          const specs = [
            ...Array.from({ length: TRACED_RUNS_PER_MODE }, () => fdCheck(runtime, noNewPrivileges, { seccomp: allowingAll })),
            fdCheck(runtime, noNewPrivileges, { seccomp: allowingAll, user: NON_ROOT }),
          ];
          for (const spec of specs) {
            const { run, calls } = await traceRuntime(spec, lifecycle);
            expect(run, run.stderr).toMatchObject({ exitCode: CLEAN_START });
            const harmless = SEEN_NOT_SHIPPED[runtime];
            for (const call of calls) if (!names(baseline).includes(call) && !harmless.includes(call)) unlisted.add(call);
          }
        }
        expect([...unlisted]).toEqual([]);
      }, SLOW_TEST_MS);

      test("starts a container cleanly in every mode it claims, by run and by create + start, as root and not", async () => {
        const seccomp = allowOnly([...FD_CHECK_SYSCALLS, ...names(baseline)]);
        for (const { runtime, noNewPrivileges, lifecycle } of runs) {
          for (const user of [undefined, NON_ROOT]) {
            const run = await runContainer(fdCheck(runtime, noNewPrivileges, { seccomp, ...(user ? { user } : {}) }), { lifecycle });
            expect(run, run.stderr).toMatchObject({ exitCode: CLEAN_START });
          }
        }
      }, SLOW_TEST_MS);

      test("needs each entry in at least one mode it claims, but the documented ones", async () => {
        const kept = runtimes.flatMap((runtime) => KEPT_WITHOUT_FAILING_RUN[runtime]);
        const unneeded: string[] = [];
        for (const entry of names(baseline)) {
          if (kept.includes(entry)) continue;
          const seccomp = allowOnly([...FD_CHECK_SYSCALLS, ...names(baseline).filter((name) => name !== entry)]);
          let needed = false;
          for (const { runtime, noNewPrivileges, lifecycle } of runs) {
            const run = await runContainer(fdCheck(runtime, noNewPrivileges, { seccomp }), { lifecycle });
            needed = run.exitCode !== CLEAN_START;
            if (needed) break;
          }
          if (!needed) unneeded.push(entry);
        }
        expect(unneeded).toEqual([]);
      }, SLOW_TEST_MS);
    },
  );
});
