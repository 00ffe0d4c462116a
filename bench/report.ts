/**
 * The bench's figures as a table, and issue 7's targets checked on them as
 * ratios measured in the same run.
 */

export const LABEL = {
  seccomp: "profilesmith seccomp",
  seccompSerial: "seccomp --jobs 1",
  seccompAllCores: "seccomp, a thread per core",
  apparmor: "profilesmith apparmor",
  both: "seccomp + apparmor (check --write)",
  naive: "naive node regex",
  grep: "grep -oE | sort -u",
  wc: "wc -l",
} as const;

export type CommandKey = keyof typeof LABEL;

/** The medians of one command on one trace. */
export interface Figure {
  readonly command: CommandKey;
  readonly traceMiB: number;
  readonly traceBytes: number;
  readonly seconds: number;
  /** User + system seconds; undefined without GNU time. */
  readonly cpuSeconds: number | undefined;
  readonly maxRssMiB: number | undefined;
}

const MB = 1e6;
const throughput = (f: Figure) => f.traceBytes / MB / f.seconds;
/** Undefined when GNU time measured no CPU time at all (too short to tell). */
const cpuThroughput = (f: Figure) => (f.cpuSeconds ? f.traceBytes / MB / f.cpuSeconds : undefined);

function figureOf(figures: readonly Figure[], command: CommandKey, traceMiB: number): Figure | undefined {
  return figures.find((f) => f.command === command && f.traceMiB === traceMiB);
}

function ratio(figures: readonly Figure[], figure: Figure, baseline: CommandKey): number | undefined {
  const base = figureOf(figures, baseline, figure.traceMiB);
  return base === undefined ? undefined : throughput(figure) / throughput(base);
}

/** The same ratio in CPU time, which the other work on a shared machine disturbs less. */
function cpuRatio(figures: readonly Figure[], figure: Figure, baseline: CommandKey): number | undefined {
  const base = figureOf(figures, baseline, figure.traceMiB);
  const mine = cpuThroughput(figure);
  const theirs = base && cpuThroughput(base);
  return mine === undefined || theirs === undefined ? undefined : mine / theirs;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined ? "n/a" : value.toFixed(digits));

/** A Markdown table, columns padded so it reads the same in a terminal. */
function markdownTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map((cell) => cell.replaceAll("|", "\\|")));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function figuresTable(figures: readonly Figure[]): string {
  return markdownTable(
    ["trace", "command", "wall s", "CPU s", "MB/s", "peak RSS MiB", "× naive node", "× naive node (CPU)", "× wc -l"],
    figures.map((f) => [
      `${f.traceMiB} MiB`,
      LABEL[f.command],
      f.seconds.toFixed(2),
      fixed(f.cpuSeconds, 2),
      throughput(f).toFixed(1),
      fixed(f.maxRssMiB, 0),
      fixed(ratio(figures, f, "naive"), 2),
      fixed(cpuRatio(figures, f, "naive"), 2),
      fixed(ratio(figures, f, "wc"), 3),
    ]),
  );
}

type Verdict = "PASS" | "MISS" | "n/a";

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

const verdict = (ok: boolean | undefined): Verdict => (ok === undefined ? "n/a" : ok ? "PASS" : "MISS");

const RSS_LIMIT_MIB = 150;
const RSS_SPREAD = 0.1;
const PROFILESMITH: readonly CommandKey[] = ["seccomp", "seccompSerial", "seccompAllCores", "apparmor", "both"];

/** Issue 7's targets, per trace size where they are per size. */
export function checkTargets(figures: readonly Figure[], sizes: readonly number[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const throughputTarget = (command: CommandKey, atLeast: number) => {
    for (const size of sizes) {
      const figure = figureOf(figures, command, size);
      const measured = figure && ratio(figures, figure, "naive");
      const cpu = figure && cpuRatio(figures, figure, "naive");
      checks.push({
        target: `${LABEL[command]} ≥ ${atLeast}× naive node regex (${size} MiB)`,
        measured: measured === undefined ? "not measured" : `${measured.toFixed(2)}× (CPU time: ${fixed(cpu, 2)}×)`,
        verdict: verdict(measured === undefined ? undefined : measured >= atLeast),
      });
    }
  };
  throughputTarget("seccomp", 1.5);
  throughputTarget("seccompSerial", 1.5);
  throughputTarget("both", 0.75);
  for (const command of PROFILESMITH) {
    const rss = sizes.map((size) => figureOf(figures, command, size)?.maxRssMiB);
    const known = rss.filter((r): r is number => r !== undefined);
    if (known.length === 0) continue;
    const peak = Math.max(...known);
    checks.push({
      target: `${LABEL[command]} peak RSS < ${RSS_LIMIT_MIB} MiB (all sizes)`,
      measured: `${peak.toFixed(0)} MiB`,
      verdict: verdict(peak < RSS_LIMIT_MIB),
    });
    const first = rss[0];
    const last = rss.at(-1);
    if (sizes.length < 2 || first === undefined || last === undefined) continue;
    const spread = Math.abs(last - first) / first;
    checks.push({
      target: `${LABEL[command]} peak RSS at ${sizes.at(-1)} MiB within ${RSS_SPREAD * 100}% of ${sizes[0]} MiB`,
      measured: `${first.toFixed(0)} → ${last.toFixed(0)} MiB (${(spread * 100).toFixed(1)}%)`,
      verdict: verdict(spread <= RSS_SPREAD),
    });
  }
  return checks;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return markdownTable(
    ["target", "measured", "verdict"],
    checks.map((c) => [c.target, c.measured, c.verdict]),
  );
}
