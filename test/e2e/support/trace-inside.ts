import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "./bundle.js";
import { runContainer, type ContainerResult } from "./container.js";
import { PYTHON_ENV, type Workload } from "./workloads.js";

const OUT = "/trace-out";

/**
 * Runs `workload` under strace inside a container (with CAP_SYS_PTRACE, no
 * filter), writing the trace into `hostDir`; returns the run and the trace
 * files (several with `-ff`).
 */
export async function traceInside(
  runtime: Runtime,
  workload: Workload,
  hostDir: string,
): Promise<{ run: ContainerResult; traces: string[] }> {
  const run = await runContainer({
    runtime,
    noNewPrivileges: false,
    args: ["strace", ...workload.straceStyle, "-o", `${OUT}/trace`, "--", ...workload.args],
    extraCapabilities: ["CAP_SYS_PTRACE"],
    binds: [{ host: hostDir, container: OUT, writable: true }],
    env: PYTHON_ENV,
  });
  const traces = readdirSync(hostDir)
    .filter((file) => file === "trace" || file.startsWith("trace."))
    .sort()
    .map((file) => join(hostDir, file));
  return { run, traces };
}
