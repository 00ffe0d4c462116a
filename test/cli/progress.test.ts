import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { formatBytes, formatElapsed, progressLine, terminalProgress } from "../../src/cli/progress.js";
import { readTraces, type ReadProgress } from "../../src/parse/read-traces.js";

/** A stderr stand-in: what is written, and whether it claims to be a terminal. */
function fakeStream(isTTY: boolean | undefined, columns?: number) {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  Object.assign(stream, { isTTY, columns });
  return { stream, writes };
}

/** A clock the test moves by hand. */
function fakeClock() {
  let time = 1000;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe("formatting", () => {
  test("bytes in decimal units with about three significant digits", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1500)).toBe("1.50 kB");
    expect(formatBytes(12_345_678)).toBe("12.3 MB");
    expect(formatBytes(256_000_000)).toBe("256 MB");
    expect(formatBytes(1_073_741_824)).toBe("1.07 GB");
    expect(formatBytes(5e15)).toBe("5000 TB");
  });

  test("durations: tenths of seconds under a minute, then minutes and hours", () => {
    expect(formatElapsed(0)).toBe("0.0s");
    expect(formatElapsed(2149)).toBe("2.1s");
    expect(formatElapsed(59_999)).toBe("59.9s");
    expect(formatElapsed(65_000)).toBe("1m05s");
    expect(formatElapsed(3_723_000)).toBe("1h02m03s");
  });

  test("the line: read of total with percent, rate, elapsed", () => {
    expect(progressLine({ bytesRead: 512_000_000, totalBytes: 1_024_000_000, elapsedMs: 2000 })).toBe(
      "reading 512 MB of 1.02 GB (50%), 256 MB/s, 2.0s",
    );
  });

  test("without a known total: no percent", () => {
    expect(progressLine({ bytesRead: 3_000_000, totalBytes: undefined, elapsedMs: 1500 })).toBe("reading 3.00 MB, 2.00 MB/s, 1.5s");
  });

  test("the percent never passes 100 (a file that grew while read)", () => {
    expect(progressLine({ bytesRead: 2000, totalBytes: 1000, elapsedMs: 1000 })).toContain("(100%)");
  });
});

describe("terminalProgress", () => {
  test("no reporter when stderr is not a terminal (a pipe, a file, a test stream)", () => {
    expect(terminalProgress(fakeStream(false).stream)).toBeUndefined();
    expect(terminalProgress(fakeStream(undefined).stream)).toBeUndefined();
  });

  test("short work prints nothing, not even the erase at the end", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress(stream, { now: clock.now, delayMs: 1500 });
    clock.advance(1400);
    progress?.update(100, 1000);
    progress?.end();
    expect(writes).toEqual([]);
  });

  test("after the delay: drawn in place, at most once per interval, erased at the end", () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress(stream, { now: clock.now, delayMs: 1500, intervalMs: 200 });
    clock.advance(2000);
    progress?.update(1_000_000, 4_000_000);
    clock.advance(100);
    progress?.update(1_500_000, 4_000_000);
    clock.advance(100);
    progress?.update(2_000_000, 4_000_000);
    progress?.end();
    expect(writes).toEqual([
      "\r\x1b[Kreading 1.00 MB of 4.00 MB (25%), 500 kB/s, 2.0s",
      "\r\x1b[Kreading 2.00 MB of 4.00 MB (50%), 909 kB/s, 2.2s",
      "\r\x1b[K",
    ]);
  });

  test("the line is cut to the terminal's width, so erasing it leaves nothing behind", () => {
    const { stream, writes } = fakeStream(true, 20);
    const clock = fakeClock();
    const progress = terminalProgress(stream, { now: clock.now, delayMs: 0 });
    clock.advance(1000);
    progress?.update(1_000_000, 4_000_000);
    expect(writes).toEqual(["\r\x1b[Kreading 1.00 MB of "]);
  });
});

describe("readTraces progress", () => {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-progress-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const TRACE = "100 getpid() = 100\n100 brk(NULL) = 0x1\n";

  function recorder() {
    const calls: { bytesRead: number; totalBytes: number | undefined }[] = [];
    let ends = 0;
    const progress: ReadProgress = {
      update: (bytesRead, totalBytes) => calls.push({ bytesRead, totalBytes }),
      end: () => void ends++,
    };
    return { progress, calls, ends: () => ends };
  }

  async function drain(reading: ReturnType<typeof readTraces>): Promise<void> {
    for await (const _ of reading.batches);
  }

  test("bytes read over all inputs (files and -ff folders) of their total, then the end", async () => {
    const a = join(dir, "a.trace");
    writeFileSync(a, TRACE);
    const ff = join(dir, "ff");
    mkdirSync(ff);
    writeFileSync(join(ff, "t.200"), "getpid() = 200\n");
    const { progress, calls, ends } = recorder();
    await drain(readTraces([a, ff], { strict: false, progress }));
    const total = TRACE.length + "getpid() = 200\n".length;
    expect(calls).toEqual([
      { bytesRead: TRACE.length, totalBytes: total },
      { bytesRead: total, totalBytes: total },
    ]);
    expect(ends()).toBe(1);
  });

  test("stdin has no known size", async () => {
    const { progress, calls } = recorder();
    await drain(readTraces(["-"], { strict: false, progress, stdin: Readable.from([Buffer.from(TRACE)]) }));
    expect(calls).toEqual([{ bytesRead: TRACE.length, totalBytes: undefined }]);
  });

  test("an input that cannot be read still ends the progress (the line is erased before the error)", async () => {
    const { progress, ends } = recorder();
    await expect(drain(readTraces([join(dir, "missing")], { strict: false, progress }))).rejects.toThrow(/no such file/);
    expect(ends()).toBe(1);
  });
});
