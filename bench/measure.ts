/**
 * One command timed as a child process: wall time from spawn to exit, and from
 * GNU time (`/usr/bin/time`, Debian package `time`), which reads the child's
 * rusage from wait4, its CPU time (user + system, all its processes) and peak
 * resident memory (for a shell pipeline: its largest process, not their sum).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { performance } from "node:perf_hooks";

export const GNU_TIME = "/usr/bin/time";

export interface BenchCommand {
  readonly label: string;
  readonly argv: readonly [string, ...string[]];
}

export interface Sample {
  readonly seconds: number;
  /** Undefined without GNU time. */
  readonly usage: { readonly cpuSeconds: number; readonly maxRssKiB: number } | undefined;
}

/** GNU time's last line (the one before says so when the command failed). */
function readUsage(file: string): Sample["usage"] {
  const [maxRssKiB, user, system] = (readFileSync(file, "utf8").trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  rmSync(file);
  if (maxRssKiB === undefined || user === undefined || system === undefined || [maxRssKiB, user, system].some(Number.isNaN)) {
    throw new Error(`unexpected output of ${GNU_TIME} in ${file}`);
  }
  return { cpuSeconds: user + system, maxRssKiB };
}

/**
 * Runs `command` once; rejects with its stderr when it exits non-zero, and kills
 * it (its whole process group) after `timeoutSeconds`.
 */
export function measureOnce(command: BenchCommand, usageFile: string, timeoutSeconds: number): Promise<Sample> {
  const withTime = existsSync(GNU_TIME);
  const [file, ...args] = withTime
    ? [GNU_TIME, "-f", "%M %U %S", "-o", usageFile, ...command.argv]
    : command.argv;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" }, detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutSeconds * 1000);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (data: string) => {
      stderr = (stderr + data).slice(-4000);
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        rmSync(usageFile, { force: true });
        const why = timedOut ? `timed out: killed after ${timeoutSeconds} s` : `failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`;
        reject(new Error(`${command.label} ${why}`));
        return;
      }
      try {
        resolve({ seconds, usage: withTime ? readUsage(usageFile) : undefined });
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
