/**
 * Reading traces in parts on worker threads, or scanned ahead on one, gives
 * the policy and report of reading them whole, in order, wherever the parts
 * are cut. (The workers run
 * the compiled module: `npm test` builds first.)
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readTraces } from "../../src/parse/index.js";
import { BATCH_BYTES } from "../../src/parse/scan-ahead.js";
import { defaultThreads, policyFromEvents, policyOfTraces } from "../../src/policy/index.js";
import { SECCOMP_DECODED_KINDS } from "../../src/seccomp/generate.js";
import { AUDIT_FIXTURES, fixturesIn, recordedLines, replayed, STRACE_FIXTURES } from "../support/fixtures.js";

/** Every recorded trace, hand-written one and -ff folder; each is read alone and with the others. */
const TRACES = [
  ...fixturesIn(STRACE_FIXTURES, /\.trace$/),
  ...fixturesIn(join(STRACE_FIXTURES, "hand-written"), /\.trace$/),
  ...fixturesIn(STRACE_FIXTURES, /-ff$/),
];

async function serial(paths: readonly string[]) {
  const reading = readTraces(paths, { strict: false, decode: SECCOMP_DECODED_KINDS });
  const policy = await policyFromEvents(reading.batches);
  return { policy, report: reading.report() };
}

describe("policyOfTraces", () => {
  test.each([
    [97, 2],
    [4096, 2],
    [4096, 1],
  ])("reads each trace in parts of %i bytes on %i thread(s) as it reads its events whole", async (partBytes, jobs) => {
    for (const path of TRACES) {
      const parted = await policyOfTraces([path], { strict: false, decode: SECCOMP_DECODED_KINDS, partBytes, jobs });
      expect(parted, path).toEqual(await serial([path]));
    }
  });

  test("reads many traces, audit logs among them, on several threads as one after another", async () => {
    const paths = [...TRACES, ...fixturesIn(AUDIT_FIXTURES, /seccomp|dmesg/)];
    const parted = await policyOfTraces(paths, { strict: false, decode: SECCOMP_DECODED_KINDS, partBytes: 4096, jobs: 3 });
    expect(parted).toEqual(await serial(paths));
  });

  test.each([0, 300])("on one thread, reads each trace scanned ahead (%i bytes read first here) as it reads its events whole", async (headBytes) => {
    const scanAhead = { fromBytes: 0, headBytes };
    for (const path of [...TRACES, fixturesIn(AUDIT_FIXTURES, /seccomp/)[0] as string]) {
      expect(await policyOfTraces([path], { strict: false, decode: SECCOMP_DECODED_KINDS, jobs: 1, scanAhead }), path).toEqual(await serial([path]));
    }
  });

  test("on one thread, reads a trace of many batches scanned ahead as it reads its events whole", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "profilesmith-census-")), "many.strace");
    writeFileSync(path, replayed(recordedLines("pipeline-f.trace"), 6 * BATCH_BYTES));
    const scanAhead = { fromBytes: 0, headBytes: BATCH_BYTES };
    expect(await policyOfTraces([path], { strict: false, decode: SECCOMP_DECODED_KINDS, jobs: 1, scanAhead })).toEqual(await serial([path]));
  });

  test("fails as the whole reading fails, at the same input", async () => {
    const paths = [join(STRACE_FIXTURES, "attach-sleep.trace"), join(STRACE_FIXTURES, "not-a-trace")];
    const options = { strict: false, decode: SECCOMP_DECODED_KINDS } as const;
    const whole = await serial(paths).catch((error: Error) => error.message);
    const parted = await policyOfTraces(paths, { ...options, partBytes: 100, jobs: 2 }).catch((error: Error) => error.message);
    const ahead = await policyOfTraces(paths, { ...options, jobs: 1, scanAhead: { fromBytes: 0, headBytes: 0 } }).catch((error: Error) => error.message);
    expect(typeof whole).toBe("string");
    expect(parted).toBe(whole);
    expect(ahead).toBe(whole);
  });
});

describe("defaultThreads", () => {
  const MiB = 2 ** 20;
  test("gives a thread per 6 parts, at least one, at most a core each but one (so on 2 cores, one)", () => {
    expect(defaultThreads(0, 32 * MiB, 8)).toBe(1);
    expect(defaultThreads(256 * MiB, 32 * MiB, 8)).toBe(1);
    expect(defaultThreads(384 * MiB, 32 * MiB, 8)).toBe(2);
    expect(defaultThreads(1024 * MiB, 32 * MiB, 8)).toBe(5);
    expect(defaultThreads(1024 * MiB, 32 * MiB, 4)).toBe(3);
    expect(defaultThreads(1024 * MiB, 32 * MiB, 2)).toBe(1);
    expect(defaultThreads(1024 * MiB, 32 * MiB, 1)).toBe(1);
  });

  test("reads the policy of traces the same by default as on one thread", async () => {
    const options = { strict: false, decode: SECCOMP_DECODED_KINDS, partBytes: 97 } as const;
    expect(await policyOfTraces(TRACES, options)).toEqual(await policyOfTraces(TRACES, { ...options, jobs: 1 }));
  });
});
