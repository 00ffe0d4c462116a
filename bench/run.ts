/**
 * `npm run bench`: profilesmith against naive baselines on large generated
 * traces; prints the figures and issue 7's targets and writes bench/RESULTS.md.
 * It reports; it never fails on a missed target.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateTrace, loadReplayedFixtures, type GeneratedTrace } from "./generate-trace.js";
import { machineDescription } from "./machine.js";
import { snapshotPackage } from "./snapshot.js";
import { GNU_TIME, measureOnce, median, type BenchCommand, type Sample } from "./measure.js";
import { checkTargets, figuresTable, LABEL, targetsTable, type CommandKey, type Figure } from "./report.js";
import { DEFAULT_PART_BYTES, defaultThreads } from "../src/policy/trace-census.js";
import { defaultScanAhead } from "../src/parse/scan-ahead.js";

const USAGE = `Usage: npm run bench -- [--sizes MIB,MIB,...] [--runs N] [--timeout SECONDS]

  --sizes     trace sizes in MiB, comma-separated (default 256,1024)
  --runs      runs per command; the figures are medians (default 3)
  --timeout   a run taking longer is killed and its command reported, not measured (default 120)
`;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NAIVE = fileURLToPath(new URL("./naive-regex.js", import.meta.url));
const RESULTS = join(ROOT, "bench/RESULTS.md");
const FIXTURES = join(ROOT, "test/fixtures/strace");

function positiveIntegers(text: string, flag: string): number[] {
  const values = text.split(",").map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`${flag} takes positive whole numbers, got "${text}"`);
  }
  return values;
}

function apparmorInBuild(cli: string): boolean {
  const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
  return help.status === 0 && /^\s+apparmor\s/m.test(help.stdout);
}

/** The commit measured, and whether src/ differed from it when the bench started. */
function measuredCode(): string {
  const git = (...args: string[]) => spawnSync("git", ["-C", ROOT, ...args], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "not a git checkout";
  const dirty = git("status", "--porcelain", "--", "src").stdout.trim() !== "";
  return `commit ${head.stdout.trim()}${dirty ? ", with uncommitted changes in src/" : ""}`;
}

/** Where and how the bench works: its temporary folder, the CLI copied there, whether that has `apparmor`. */
interface Setup {
  readonly timeoutSeconds: number;
  readonly work: string;
  readonly cli: string;
  readonly apparmor: boolean;
}

/** The seccomp profiles written with the default threads, on one and on every core: they must be the same bytes. */
function outputsIn(work: string) {
  return {
    seccompOut: join(work, "seccomp.json"),
    seccompSerialOut: join(work, "seccomp-serial.json"),
    seccompAllCoresOut: join(work, "seccomp-all-cores.json"),
  };
}

/** The threads `seccomp` reads a trace of `bytes` on by default here, as the bench's notes say it. */
function seccompThreads(bytes: number): string {
  const threads = defaultThreads(bytes, DEFAULT_PART_BYTES, availableParallelism());
  const ahead = defaultScanAhead(availableParallelism());
  return threads === 1 && ahead !== false && bytes >= ahead.fromBytes ? "1 thread and 1 scanning ahead" : `${threads} thread(s)`;
}

/** Whether the last seccomp runs (default, one thread, every core) and `check --write` wrote byte-identical seccomp profiles. */
function sameSeccompOutput(work: string): boolean {
  const { seccompOut, seccompSerialOut, seccompAllCoresOut } = outputsIn(work);
  const outputs = [seccompOut, seccompSerialOut, seccompAllCoresOut, join(bothDir(work), "seccomp.json")];
  return outputs.every((file) => existsSync(file) && readFileSync(file).equals(readFileSync(seccompOut)));
}

/** Where the manifest of the "both" row is. */
function bothDir(work: string): string {
  return join(work, "both");
}

/** A manifest of a seccomp and an AppArmor profile of `trace`, as `record` writes one, for `check --write` to regenerate. */
function bothManifest(work: string, trace: string): void {
  mkdirSync(bothDir(work), { recursive: true });
  const manifest = [
    "version: 1",
    "name: bench",
    "traces:",
    `  - ${JSON.stringify(relative(bothDir(work), trace))}`,
    "profiles:",
    "  - kind: seccomp",
    "    output: seccomp.json",
    "  - kind: apparmor",
    "    output: apparmor.profile",
    "",
  ].join("\n");
  writeFileSync(join(bothDir(work), "profilesmith.yaml"), manifest);
}

function commandsFor(trace: string, { work, cli, apparmor }: Setup): Map<CommandKey, BenchCommand> {
  const node = process.execPath;
  const { seccompOut, seccompSerialOut, seccompAllCoresOut } = outputsIn(work);
  const apparmorOut = join(work, "apparmor.profile");
  const argv: [CommandKey, BenchCommand["argv"]][] = [
    ["seccomp", [node, cli, "seccomp", trace, "-o", seccompOut]],
    ["seccompSerial", [node, cli, "seccomp", trace, "--jobs", "1", "-o", seccompSerialOut]],
    ["seccompAllCores", [node, cli, "seccomp", trace, "--jobs", String(availableParallelism()), "-o", seccompAllCoresOut]],
    ...(apparmor
      ? ([
          ["apparmor", [node, cli, "apparmor", trace, "--name", "bench", "-o", apparmorOut]],
          // Both profiles from one read of the trace: a manifest of the two (see bothManifest), regenerated.
          ["both", [node, cli, "check", "--write", bothDir(work)]],
        ] satisfies [CommandKey, BenchCommand["argv"]][])
      : []),
    ["naive", [node, NAIVE, trace]],
    ["grep", ["sh", "-c", `grep -oE '(^|[] ])[a-z_][a-z0-9_]*\\(' "$0" | sort -u`, trace]],
    ["wc", ["wc", "-l", trace]],
  ];
  return new Map(argv.map(([key, command]) => [key, { label: LABEL[key], argv: command }]));
}

interface SizeResult {
  readonly trace: GeneratedTrace;
  readonly figures: Figure[];
  /** Whether `seccomp` on all cores and with `--jobs 1` wrote the same profile. */
  readonly sameOutput: boolean;
  /** One line per command that failed; it has no figures. */
  readonly failures: string[];
}

async function benchSize(sizeMiB: number, runs: number, setup: Setup): Promise<SizeResult> {
  const { work } = setup;
  const path = join(work, `trace-${sizeMiB}MiB.strace`);
  process.stderr.write(`generating a ${sizeMiB} MiB trace in ${work} ...\n`);
  const trace = generateTrace(loadReplayedFixtures(FIXTURES), sizeMiB * 2 ** 20, path);
  bothManifest(work, path);
  try {
    const commands = commandsFor(path, setup);
    const samples = new Map<CommandKey, Sample[]>([...commands.keys()].map((key) => [key, []]));
    const failures: string[] = [];
    // Runs interleave the commands, so a busy moment on the shared machine hits all of them alike.
    for (let run = 1; run <= runs; run++) {
      for (const [key, command] of commands) {
        const progress = `  ${sizeMiB} MiB run ${run}/${runs} ${command.label}`;
        try {
          const sample = await measureOnce(command, join(work, "usage"), setup.timeoutSeconds);
          samples.get(key)?.push(sample);
          const usage = sample.usage && `, CPU ${sample.usage.cpuSeconds.toFixed(2)} s, ${(sample.usage.maxRssKiB / 1024).toFixed(0)} MiB`;
          process.stderr.write(`${progress}: ${sample.seconds.toFixed(2)} s${usage ?? ""}\n`);
        } catch (error) {
          const message = `${sizeMiB} MiB: ${(error instanceof Error ? error.message : String(error)).replaceAll("\n", " / ")}`;
          process.stderr.write(`${progress}: ${message}\n`);
          failures.push(message);
          commands.delete(key);
          samples.delete(key);
        }
      }
    }
    const figures = [...samples].map(([command, list]): Figure => {
      const usages = list.flatMap((s) => s.usage ?? []);
      const medianUsage = (of: (usage: NonNullable<Sample["usage"]>) => number) =>
        usages.length === 0 ? undefined : median(usages.map(of));
      return {
        command,
        traceMiB: sizeMiB,
        traceBytes: trace.bytes,
        seconds: median(list.map((s) => s.seconds)),
        cpuSeconds: medianUsage((u) => u.cpuSeconds),
        maxRssMiB: medianUsage((u) => u.maxRssKiB / 1024),
      };
    });
    return { trace, figures, failures, sameOutput: sameSeccompOutput(work) };
  } finally {
    rmSync(path, { force: true });
  }
}

function resultsMarkdown(args: readonly string[], code: string, date: Date, runs: number, traces: readonly GeneratedTrace[], figures: Figure[], notes: string[], sizes: number[]): string {
  const fixtures = traces[0]?.fixtures ?? [];
  return [
    "# Bench results",
    "",
    `Written by \`npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}\` on ${code} (see README.md in this folder for how to read it).`,
    "",
    "## Machine",
    "",
    ...machineDescription(date),
    "",
    "## Traces",
    "",
    `Generated \`strace -f -o\` traces replaying ${fixtures.map((f) => `\`${f}\``).join(", ")} with fresh pids:`,
    "",
    ...traces.map((t) => `- ${(t.bytes / 2 ** 20).toFixed(0)} MiB: ${t.bytes} bytes, ${t.lines} lines, ${t.replays} replays`),
    "",
    `## Figures (medians of ${runs} run${runs === 1 ? "" : "s"}; MB = 10^6 bytes)`,
    "",
    figuresTable(figures),
    "",
    ...notes.flatMap((note) => [note, ""]),
    "## Targets (issue 7)",
    "",
    targetsTable(checkTargets(figures, sizes)),
    "",
  ].join("\n");
}

interface Settings {
  readonly sizes: number[];
  readonly runs: number;
  readonly timeoutSeconds: number;
}

/** The flags, or undefined after printing the usage (asked for, or wrong flags: exit code 2). */
function settingsFrom(args: string[]): Settings | undefined {
  try {
    const { values } = parseArgs({
      args,
      options: {
        sizes: { type: "string", default: "256,1024" },
        runs: { type: "string", default: "3" },
        timeout: { type: "string", default: "120" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return undefined;
    }
    const [runs] = positiveIntegers(values.runs, "--runs") as [number];
    const [timeoutSeconds] = positiveIntegers(values.timeout, "--timeout") as [number];
    return { sizes: positiveIntegers(values.sizes, "--sizes"), runs, timeoutSeconds };
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const settings = settingsFrom(args);
  if (settings === undefined) return;
  const { sizes, runs, timeoutSeconds } = settings;
  const date = new Date();
  const code = measuredCode();
  const work = mkdtempSync(join(tmpdir(), "profilesmith-bench-"));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.once("SIGINT", () => {
    removeWork();
    process.exit(130);
  });
  try {
    const cli = snapshotPackage(ROOT, join(work, "package"));
    const setup: Setup = { timeoutSeconds, work, cli, apparmor: apparmorInBuild(cli) };
    if (!setup.apparmor) process.stderr.write("apparmor: not available in this build\n");
    const notes = [
      setup.apparmor
        ? `"${LABEL.both}" regenerates both profiles of a manifest listing the trace, from one read of it.`
        : "apparmor: not available in this build",
      `CPU s is user + system time and peak RSS is %M, both from GNU time (${GNU_TIME}); for the shell commands CPU time sums their processes, peak RSS is their largest.`,
    ];
    const traces: GeneratedTrace[] = [];
    const figures: Figure[] = [];
    for (const size of sizes) {
      const measured = await benchSize(size, runs, setup);
      traces.push(measured.trace);
      figures.push(...measured.figures);
      notes.push(...measured.failures.map((failure) => `Failed, so not in the table: ${failure}`));
      notes.push(
        `${size} MiB: \`seccomp\` on ${seccompThreads(measured.trace.bytes)} (its default), \`seccomp --jobs 1\`, \`seccomp --jobs ${availableParallelism()}\` and \`check --write\` wrote ${measured.sameOutput ? "byte-identical seccomp profiles" : "DIFFERENT seccomp profiles"}.`,
      );
    }
    const results = resultsMarkdown(args, code, date, runs, traces, figures, notes, sizes);
    process.stdout.write(`\n${results}`);
    writeFileSync(RESULTS, results);
    process.stderr.write(`\nwrote ${RESULTS}\n`);
  } finally {
    removeWork();
  }
}

await main();
