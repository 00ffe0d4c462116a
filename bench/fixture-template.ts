/**
 * A recorded `strace -f -o` fixture turned into a template that can be replayed
 * with other pids and a later clock: every line split at the places a pid or the
 * `-tt` time of day stands.
 */

/** One line: `texts` around `pids.length` pid slots, optionally after a `-tt` time. */
interface LineTemplate {
  /** `texts[i]` comes before `pids[i]`; one more text ends the line. */
  readonly texts: readonly string[];
  /** Index into the fixture's `pids` of each slot. */
  readonly pids: readonly number[];
  /** Microseconds since midnight of the `-tt` time after the pid prefix, if any. */
  readonly timeOfDay: number | undefined;
}

export interface FixtureTemplate {
  readonly name: string;
  /** The recorded pids, ascending, so a replay keeps parents below their children. */
  readonly pids: readonly number[];
  readonly lines: readonly LineTemplate[];
  /** The `-tt` time of the first line, if the fixture has times. */
  readonly startTime: number | undefined;
}

const PID_PREFIX = /^(\d+) /;
const TIME_OF_DAY = /^(\d\d):(\d\d):(\d\d)\.(\d{6}) /;
const MICROS_PER_DAY = 86_400_000_000;

function microsOfDay(match: RegExpExecArray): number {
  const [, h, m, s, us] = match.map(Number) as [number, number, number, number, number];
  return ((h * 60 + m) * 60 + s) * 1_000_000 + us;
}

function formatTimeOfDay(micros: number): string {
  const t = ((micros % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
  const two = (n: number) => String(n).padStart(2, "0");
  const seconds = Math.floor(t / 1_000_000);
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${String(t % 1_000_000).padStart(6, "0")}`;
}

/**
 * Splits `text` (one fixture) into line templates. A pid is any whole number
 * token equal to one of the line-prefix pids: besides the prefix that is
 * clone's return, wait4's argument, si_pid=, parent_tid=[…], futex words,
 * `/proc/N/…` and `<pid changed to N …>`; checked on the fixtures, no other
 * number collides with a pid. Hex digits, times and decimals are not tokens.
 */
export function fixtureTemplate(name: string, text: string): FixtureTemplate {
  const rawLines = text.split("\n");
  if (rawLines.at(-1) === "") rawLines.pop();
  const pids = [...new Set(rawLines.flatMap((line) => PID_PREFIX.exec(line)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  const slotOf = new Map(pids.map((pid, slot) => [String(pid), slot]));
  const token = pids.length === 0 ? undefined : new RegExp(`(?<![\\w.:])(${pids.join("|")})(?![\\w.:])`, "g");
  let startTime: number | undefined;
  const lines = rawLines.map((line): LineTemplate => {
    const prefix = PID_PREFIX.exec(line);
    const time = prefix ? TIME_OF_DAY.exec(line.slice(prefix[0].length)) : null;
    const timeOfDay = time ? microsOfDay(time) : undefined;
    startTime ??= timeOfDay;
    const body = time && prefix ? `${prefix[1]} ${line.slice(prefix[0].length + time[0].length)}` : line;
    const texts: string[] = [];
    const slots: number[] = [];
    let last = 0;
    for (const match of token ? body.matchAll(token) : []) {
      texts.push(body.slice(last, match.index));
      slots.push(slotOf.get(match[1] as string) as number);
      last = match.index + match[0].length;
    }
    texts.push(body.slice(last));
    return { texts, pids: slots, timeOfDay };
  });
  return { name, pids, lines, startTime };
}

/**
 * Line `index` of `template` with the pids `freshPids` (by slot) and its time
 * shifted by `timeShift` microseconds; ends with a newline.
 */
export function renderLine(template: FixtureTemplate, index: number, freshPids: readonly number[], timeShift: number): string {
  const line = template.lines[index] as LineTemplate;
  let out = line.texts[0] as string;
  for (let i = 0; i < line.pids.length; i++) {
    out += String(freshPids[line.pids[i] as number]);
    // The time follows the pid prefix, which is always the first slot.
    if (i === 0 && line.timeOfDay !== undefined) out += ` ${formatTimeOfDay(line.timeOfDay + timeShift)}`;
    out += line.texts[i + 1] as string;
  }
  return `${out}\n`;
}
