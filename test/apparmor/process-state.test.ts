import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAppArmor, type GeneratedAppArmor } from "../../src/apparmor/index.js";
import type { ObservedEvent } from "../../src/apparmor/observe.js";
import { parseStraceText } from "../../src/parse/index.js";

/**
 * What the observer relies on to stay flat in memory on long traces: a
 * process's fd table and working directory end with it (its exit, or its
 * thread-group leader's), so a later process, even under the same pid, sees
 * nothing of it.
 */

const FIXTURES = "test/fixtures/strace";

/** The events of every recorded strace fixture, by name. */
const fixtures: ReadonlyMap<string, readonly ObservedEvent[]> = new Map(
  readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".trace"))
    .sort()
    .map((name) => [name, [...parseStraceText(readFileSync(join(FIXTURES, name), "utf8"), { file: name })]] as const),
);
/** A fixture's name (what a counterexample shows). */
const fixtureName = fc.constantFrom(...fixtures.keys());

function eventsOf(name: string): readonly ObservedEvent[] {
  return fixtures.get(name) as readonly ObservedEvent[];
}

/** What a profile run shows: notes are left out, since each replay repeats the notes of its calls. */
function shown(generated: GeneratedAppArmor): unknown {
  return { text: generated.text, explanation: generated.explanation, warnings: generated.warnings };
}

function generate(traces: readonly (readonly ObservedEvent[] | AsyncIterable<readonly ObservedEvent[]>)[]): Promise<GeneratedAppArmor> {
  return generateAppArmor({ name: "t", traces });
}

async function* inBatches(events: readonly ObservedEvent[], sizes: readonly number[]): AsyncIterable<readonly ObservedEvent[]> {
  for (let at = 0, i = 0; at < events.length; i++) {
    const size = sizes[i % sizes.length] as number;
    yield events.slice(at, at + size);
    at += size;
  }
}

function trace(...lines: string[]): ObservedEvent[] {
  return [...parseStraceText(lines.join("\n") + "\n", { file: "t.strace" })];
}

describe("per-process state ends with the process", () => {
  it("has fixtures to replay", () => {
    expect(fixtures.size).toBeGreaterThan(20);
  });

  it("a trace replayed under the same pids gives the profile of one run (no state leaks from one run to the next)", async () => {
    await fc.assert(
      fc.asyncProperty(fixtureName, fc.integer({ min: 2, max: 3 }), async (name, times) => {
        const events = eventsOf(name);
        const once = await generate([events]);
        const replayed = await generate([Array.from({ length: times }, () => events).flat()]);
        expect(shown(replayed)).toEqual(shown(once));
      }),
      { numRuns: 40 },
    );
  });

  it("events in batches of any sizes give the profile of the same events one at a time", async () => {
    await fc.assert(
      fc.asyncProperty(fixtureName, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }), async (name, sizes) => {
        const events = eventsOf(name);
        expect(shown(await generate([inBatches(events, sizes)]))).toEqual(shown(await generate([events])));
      }),
      { numRuns: 40 },
    );
  });

  /**
   * The profile of `before`, then of pid 200 in /srv/b forking pid 101 again and 101 opening
   * `data`: the reused pid resolves it in /srv/b, never in the `stale` directory of its past.
   */
  async function expectReusedPidStartsAfresh(before: readonly string[], stale: string): Promise<void> {
    const generated = await generate([
      trace(...before, '200 chdir("/srv/b") = 0', "200 clone(child_stack=NULL, flags=SIGCHLD) = 101", '101 openat(AT_FDCWD, "data", O_RDONLY) = 3'),
    ]);
    expect(generated.text).toContain("/srv/b/data r,");
    expect(generated.text).not.toContain(`${stale}/data`);
  }

  /** Pid 100 in /srv/a, whose thread 101 exec'ed: strace shows the exec under the leader's pid. */
  const THREAD_EXECED = [
    '100 chdir("/srv/a") = 0',
    "100 clone(child_stack=0x7f0000000000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 101",
    '101 execve("/bin/true", ["true"], 0x7ffd00000000 /* 0 vars */ <pid changed to 100 ...>',
    "100 +++ superseded by execve in pid 101 +++",
    "100 <... execve resumed>) = 0",
  ];

  it("a reused pid inherits its new parent's working directory, not the exited process's", () =>
    expectReusedPidStartsAfresh(
      [
        '100 chdir("/srv/a") = 0',
        "100 clone(child_stack=NULL, flags=SIGCHLD) = 101",
        '101 chdir("/srv/old") = 0',
        "101 exit_group(0) = ?",
        "101 +++ exited with 0 +++",
      ],
      "/srv/old",
    ));

  it("an exec ends the process's other threads: the pid of the thread that exec'ed, reused, starts afresh", () =>
    expectReusedPidStartsAfresh(THREAD_EXECED, "/srv/a"));

  it("a thread that exec'ed (no exit line of its own) goes with its leader: its pid reused starts afresh", () =>
    expectReusedPidStartsAfresh([...THREAD_EXECED, "100 exit_group(0) = ?", "100 +++ exited with 0 +++"], "/srv/a"));
});
