/**
 * A large, realistic `strace -f -o` trace: the project's real recordings replayed
 * over and over with fresh pids, several replays running at once (their lines
 * interleaved, as strace interleaves the processes of a busy service), the `-tt`
 * clock moving on from replay to replay. Deterministic for a given size.
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fixtureTemplate, renderLine, type FixtureTemplate } from "./fixture-template.js";

/** The strace options of the recordings replayed: plain `-f`, and `-f` with every prefix option. */
const REPLAYED_OPTIONS = new Set(["-f", "-f -tt -T -n -yy -i"]);
/** How many replays are in flight at once. */
const CONCURRENT_REPLAYS = 8;
/** Linux's default pid_max on 64-bit; past it, pids wrap to RESERVED_PIDS. */
const PID_MAX = 4_194_304;
const RESERVED_PIDS = 300;
const FIRST_PID = 1000;
const FLUSH_CHARS = 4 << 20;

export interface GeneratedTrace {
  readonly path: string;
  readonly bytes: number;
  readonly lines: number;
  readonly replays: number;
  /** The fixtures replayed, by name. */
  readonly fixtures: readonly string[];
}

/**
 * The `-o` recordings of `recorded.tsv` with the replayed options (stderr
 * recordings, whose prefixes differ, are left out).
 */
export function loadReplayedFixtures(fixtureDir: string): FixtureTemplate[] {
  const [, ...rows] = readFileSync(join(fixtureDir, "recorded.tsv"), "utf8").trimEnd().split("\n");
  return rows
    .map((row) => row.split("\t") as [string, string, string])
    .filter(([name, options, command]) => REPLAYED_OPTIONS.has(options) && command.includes(`-o ${name}.trace `))
    .map(([name]) => fixtureTemplate(name, readFileSync(join(fixtureDir, `${name}.trace`), "utf8")));
}

/** mulberry32: a small seeded generator, so every run writes the same trace. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Replay {
  readonly template: FixtureTemplate;
  readonly pids: readonly number[];
  readonly timeShift: number;
  next: number;
}

/** Writes at least `targetBytes` of trace to `path`; every replay started is finished. */
export function generateTrace(fixtures: readonly FixtureTemplate[], targetBytes: number, path: string): GeneratedTrace {
  if (fixtures.length === 0) throw new Error("no recorded -f fixtures to replay");
  const random = seededRandom(0x5eed);
  let nextPid = FIRST_PID;
  const freshPid = () => {
    const pid = nextPid;
    nextPid = nextPid + 1 >= PID_MAX ? RESERVED_PIDS : nextPid + 1;
    return pid;
  };
  // The clock of the trace: the latest time written so far.
  let clock = fixtures.find((f) => f.startTime !== undefined)?.startTime ?? 0;
  let replays = 0;
  const startReplay = (): Replay => {
    const template = fixtures[Math.floor(random() * fixtures.length)] as FixtureTemplate;
    replays++;
    return {
      template,
      pids: template.pids.map(freshPid),
      timeShift: template.startTime === undefined ? 0 : clock - template.startTime,
      next: 0,
    };
  };

  const fd = openSync(path, "w");
  let written = 0;
  let lines = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    const chunk = pending.join("");
    written += writeSync(fd, chunk);
    pending = [];
    pendingChars = 0;
  };
  try {
    const active: Replay[] = Array.from({ length: CONCURRENT_REPLAYS }, startReplay);
    while (active.length > 0) {
      const slot = Math.floor(random() * active.length);
      const replay = active[slot] as Replay;
      const burst = 1 + Math.floor(random() * 4);
      for (let i = 0; i < burst && replay.next < replay.template.lines.length; i++, replay.next++) {
        const line = renderLine(replay.template, replay.next, replay.pids, replay.timeShift);
        const time = replay.template.lines[replay.next]?.timeOfDay;
        if (time !== undefined) clock = Math.max(clock, time + replay.timeShift);
        pending.push(line);
        pendingChars += line.length;
        lines++;
      }
      if (pendingChars >= FLUSH_CHARS) flush();
      if (replay.next === replay.template.lines.length) {
        if (written + pendingChars < targetBytes) active[slot] = startReplay();
        else active.splice(slot, 1);
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { path, bytes: written, lines, replays, fixtures: fixtures.map((f) => f.name) };
}
