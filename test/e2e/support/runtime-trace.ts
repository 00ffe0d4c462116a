import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerSpec } from "./bundle.js";
import { runContainer, type ContainerResult, type Lifecycle } from "./container.js";

const LINE = /^(\d+)\s+(.*)$/;
const CALL = /^([a-z0-9_]+)\(/;
const RESUMED = /^<\.\.\. ([a-z0-9_]+) resumed>/;
const RESULT = /\)\s+=\s+(-?\d+)/;
/** The call that installs a filter (libseccomp probes the API first with NULL programs). */
const INSTALLS_FILTER = /^(seccomp\(SECCOMP_SET_MODE_FILTER|prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER), .*\{len=/;
const NEW_TASK = new Set(["clone", "clone3", "fork", "vfork"]);

/**
 * The system calls a runtime makes under its own filter, from an `strace -f`
 * log of the runtime: every call by the task that installed the filter (and
 * tasks it created afterwards, which inherit the filter), from the install up
 * to and including the first execve of the container process. Calls are
 * counted where they start; `<... resumed>` lines only complete them.
 */
export function callsUnderFilter(strace: string): string[] {
  const filtered = new Set<string>();
  const calls = new Set<string>();
  for (const line of strace.split("\n")) {
    const [, pid, text] = LINE.exec(line) ?? [];
    if (pid === undefined || text === undefined) continue;
    if (filtered.size === 0) {
      if (INSTALLS_FILTER.test(text)) filtered.add(pid);
      continue;
    }
    if (!filtered.has(pid)) continue;
    const started = CALL.exec(text)?.[1];
    if (started !== undefined) calls.add(started);
    if (started === "execve") break;
    const call = started ?? RESUMED.exec(text)?.[1];
    const child = RESULT.exec(text)?.[1];
    if (call !== undefined && NEW_TASK.has(call) && child !== undefined) filtered.add(child);
  }
  return [...calls].sort();
}

/** Runs `spec` with the runtime under `strace -f` on the host; returns the run and the runtime's calls under its filter. */
export async function traceRuntime(
  spec: ContainerSpec,
  lifecycle: Lifecycle = "run",
): Promise<{ run: ContainerResult; calls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-runtime-trace-"));
  try {
    const log = join(dir, "strace.log");
    const run = await runContainer(spec, { lifecycle, wrap: ["strace", "-f", "-qq", "-o", log] });
    return { run, calls: callsUnderFilter(readFileSync(log, "utf8")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
