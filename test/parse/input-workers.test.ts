/**
 * Whole inputs read on worker threads give the events, in the same order, and
 * the report of reading them in turn. (The workers run the compiled module:
 * `npm test` builds first.)
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS, appArmorTraceWorkers } from "../../src/apparmor/index.js";
import { AUDIT_FIXTURES, fixturesIn, STRACE_FIXTURES } from "../support/fixtures.js";
import { readAll as read } from "../support/reading.js";

const APPARMOR_READING = { strict: false, decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS } as const;

describe("readTraces with workers", () => {
  it("reads traces, -ff folders and audit logs on several threads as one after another", async () => {
    const paths = [...fixturesIn(STRACE_FIXTURES, /\.trace$/), ...fixturesIn(STRACE_FIXTURES, /-ff$/), ...fixturesIn(AUDIT_FIXTURES, /apparmor|seccomp|dmesg/)];
    const serial = await read(paths, APPARMOR_READING);
    expect(serial.error).toBeUndefined();
    expect(serial.report?.lines).toBeGreaterThan(0);
    for (const threads of [2, 3]) expect(await read(paths, { ...APPARMOR_READING, workers: appArmorTraceWorkers(threads) })).toEqual(serial);
  });

  it("fails as the serial reading fails, at the same input, after the ones before it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "profilesmith-workers-"));
    const unparsed = join(dir, "odd.strace");
    writeFileSync(unparsed, '100 openat(AT_FDCWD, "/etc/hosts", O_RDONLY) = 3\nnot strace at all\n');
    const good = join(STRACE_FIXTURES, "attach-sleep.trace");
    for (const [paths, strict] of [
      [[good, join(STRACE_FIXTURES, "not-a-trace"), unparsed], false],
      [[good, join(dir, "missing.strace"), join(STRACE_FIXTURES, "not-a-trace")], false],
      [[good, unparsed, join(STRACE_FIXTURES, "not-a-trace")], true],
    ] as const) {
      const serial = await read(paths, { ...APPARMOR_READING, strict });
      expect(serial).toHaveProperty("error");
      expect(await read(paths, { ...APPARMOR_READING, strict, workers: appArmorTraceWorkers(2) })).toEqual(serial);
    }
  });

  it("tells the progress every byte of the inputs it reads", async () => {
    const paths = [join(STRACE_FIXTURES, "pipeline-ff"), join(STRACE_FIXTURES, "attach-sleep.trace")];
    const seen: Array<{ read: number; total: number | undefined }> = [];
    const progress = { update: (read: number, total: number | undefined) => seen.push({ read, total }), end: () => undefined };
    await read(paths, { ...APPARMOR_READING, progress, workers: appArmorTraceWorkers(2) });
    const last = seen.at(-1);
    expect(last?.read).toBe(last?.total);
    expect(last?.total).toBeGreaterThan(0);
  });
});
