/** What the figures were measured on, for RESULTS.md. */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";

function cpuModel(): string {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  const mhz = Number(/^cpu MHz\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]);
  return mhz > 0 ? `${model}, ${mhz.toFixed(0)} MHz` : model;
}

/** One `- key: value` line each. */
export function machineDescription(date: Date): string[] {
  const [load1, load5] = loadavg();
  return [
    `- CPU: ${cpuModel()}`,
    `- cores available: ${availableParallelism()}`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- kernel: Linux ${release()}`,
    `- node: ${process.version}`,
    `- date: ${date.toISOString().replace(/\.\d+Z$/, "Z")}`,
    `- load average at start (1 min, 5 min): ${load1?.toFixed(2)}, ${load5?.toFixed(2)} (the machine is shared; figures are medians)`,
  ];
}
