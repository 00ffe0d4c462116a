/**
 * A file read and scanned ahead on a worker thread reads as this thread
 * reads it: the same events, report and errors, whatever the batches and
 * slots the lines go through. (The worker runs the compiled module: `npm
 * test` builds first.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS } from "../../src/apparmor/index.js";
import type { TraceEvent } from "../../src/events/types.js";
import { CommonLineScanner, recordInts, type ScannedLines } from "../../src/parse/common-lines.js";
import { StraceParser } from "../../src/parse/parser.js";
import { CallCensus } from "../../src/policy/from-events.js";
import { readTraces } from "../../src/parse/read-traces.js";
import { BATCH_BYTES, DEFAULT_SCAN_AHEAD, defaultScanAhead, scannedRuns, SLOTS } from "../../src/parse/scan-ahead.js";
import { AUDIT_FIXTURES, fixturesIn, recordedLines, replayed, STRACE_FIXTURES } from "../support/fixtures.js";
import { readAll as read } from "../support/reading.js";

const APPARMOR_READING = { strict: false, decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS } as const;
const HERE = { scanAhead: false } as const;
/** The whole file on the worker. */
const AHEAD = { scanAhead: { fromBytes: 0, headBytes: 0 } } as const;
/** Its start read here, the rest on the worker, whose scanner numbers the names another way. */
const MIXED = (headBytes: number) => ({ scanAhead: { fromBytes: 0, headBytes } }) as const;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "profilesmith-scan-ahead-"));
}

const SAMPLE = recordedLines("pipeline-f.trace");

describe("readTraces scanning ahead", () => {
  it("reads every recorded trace, -ff folder and audit log as this thread does", async () => {
    const paths = [...fixturesIn(STRACE_FIXTURES, /\.trace$/), ...fixturesIn(STRACE_FIXTURES, /-ff$/), ...fixturesIn(AUDIT_FIXTURES, /apparmor|seccomp|dmesg/)];
    const here = await read(paths, { ...APPARMOR_READING, ...HERE });
    expect(here.error).toBeUndefined();
    expect(await read(paths, { ...APPARMOR_READING, ...AHEAD })).toEqual(here);
    expect(await read(paths, { ...APPARMOR_READING, ...MIXED(2000) })).toEqual(here);
  });

  it("reads a trace of more batches than slots, with lines shorter and longer than a batch holds, as this thread does", async () => {
    const dir = tempDir();
    const many = join(dir, "many.strace");
    writeFileSync(many, replayed(SAMPLE, (SLOTS + 2) * BATCH_BYTES));
    // Records for lines this short outgrow a slot's first reserve.
    const short = join(dir, "short.strace");
    writeFileSync(short, replayed(["1 close(3) = 0", "1 getpid() = 1"], 2 * BATCH_BYTES));
    // A line longer than a batch: its slot grows.
    const long = join(dir, "long.strace");
    writeFileSync(long, `${SAMPLE.slice(0, 20).join("\n")}\n1 write(1, "${"a".repeat(BATCH_BYTES + 7)}", ${BATCH_BYTES + 7}) = ${BATCH_BYTES + 7}\n${SAMPLE.join("\n")}\n`);
    for (const path of [many, short, long]) {
      const here = await read([path], { ...APPARMOR_READING, ...HERE });
      expect(here.error).toBeUndefined();
      expect(await read([path], { ...APPARMOR_READING, ...AHEAD })).toEqual(here);
      expect(await read([path], { ...APPARMOR_READING, ...MIXED(BATCH_BYTES + BATCH_BYTES / 2) })).toEqual(here);
    }
  });

  it("counts the same census when it counts every call", async () => {
    const path = join(tempDir(), "many.strace");
    writeFileSync(path, replayed(SAMPLE, 2 * BATCH_BYTES));
    const censuses = [];
    for (const where of [HERE, AHEAD, MIXED(BATCH_BYTES / 2)]) {
      const census = new CallCensus();
      const reading = readTraces([path], { strict: false, tally: census, detailed: APPARMOR_CALLS, decode: APPARMOR_DECODED_KINDS, ...where });
      let events = 0;
      for await (const batch of reading.batches) events += batch.length;
      censuses.push({ events, report: reading.report(), policy: census.policy() });
    }
    expect(censuses[1]).toEqual(censuses[0]);
    expect(censuses[2]).toEqual(censuses[0]);
  });

  it("fails as this thread fails, at the same line", async () => {
    const dir = tempDir();
    const unparsed = join(dir, "odd.strace");
    writeFileSync(unparsed, replayed(SAMPLE, BATCH_BYTES) + "not strace at all\n");
    const binary = join(dir, "binary.strace");
    writeFileSync(binary, "1 close(3) = 0\n\0\0\0\n");
    for (const [path, strict] of [
      [join(STRACE_FIXTURES, "not-a-trace"), false],
      [join(dir, "missing.strace"), false],
      [binary, false],
      [unparsed, true],
    ] as const) {
      const here = await read([path], { ...APPARMOR_READING, strict, ...HERE });
      expect(here).toHaveProperty("error");
      expect(await read([path], { ...APPARMOR_READING, strict, ...AHEAD })).toEqual(here);
      expect(await read([path], { ...APPARMOR_READING, strict, ...MIXED(BATCH_BYTES / 2) })).toEqual(here);
    }
  });

  it("tells the progress every byte it reads", async () => {
    const path = join(tempDir(), "many.strace");
    writeFileSync(path, replayed(SAMPLE, 3 * BATCH_BYTES));
    const seen: Array<{ read: number; total: number | undefined }> = [];
    const progress = { update: (read: number, total: number | undefined) => seen.push({ read, total }), end: () => undefined };
    await read([path], { ...APPARMOR_READING, progress, ...MIXED(BATCH_BYTES / 2) });
    expect(seen.at(-1)?.read).toBe(seen.at(-1)?.total);
    expect(seen.at(-1)?.total).toBeGreaterThan(3 * BATCH_BYTES);
  });

  it("stops its worker when the reader stops early", async () => {
    const path = join(tempDir(), "many.strace");
    writeFileSync(path, replayed(SAMPLE, (SLOTS + 4) * BATCH_BYTES));
    let runs = 0;
    for await (const run of scannedRuns(path, AHEAD.scanAhead)) {
      expect(run.scanned?.count).toBeGreaterThan(0);
      if (++runs === 3) break;
    }
    // A worker still waiting for a slot would keep the test's process alive; reading again works.
    let bytes = 0;
    for await (const run of scannedRuns(path, MIXED(BATCH_BYTES / 2).scanAhead)) bytes += run.bytes.length;
    expect(bytes).toBe(readFileSync(path).length);
  });

  it("parses runs another scanner scanned, between runs it scans itself, as it parses its own", () => {
    const other = new CommonLineScanner();
    // Names it numbers first, so its numbers are not this thread's.
    other.scanBytes(Buffer.from("1 getppid() = 1\n1 umask(0) = 0\n1 sync() = 0\n"), () => undefined);
    const scannedByOther = (bytes: Buffer): ScannedLines => {
      const records: number[] = [];
      let count = 0;
      other.scanBytes(bytes, (scanned, scannedCount) => {
        records.push(...scanned.subarray(0, recordInts(scannedCount)));
        count += scannedCount;
      });
      return { records: Int32Array.from(records), count, plain: true, ascii: true, numbering: other };
    };
    const quarter = Math.ceil(SAMPLE.length / 4);
    const runs = [0, 1, 2, 3].map((i) => Buffer.from(SAMPLE.slice(i * quarter, (i + 1) * quarter).join("\n") + "\n", "latin1"));
    const parse = (scanned: (bytes: Buffer, i: number) => ScannedLines | undefined) => {
      const census = new CallCensus();
      const parser = new StraceParser({ file: "t", detailed: APPARMOR_CALLS, decode: APPARMOR_DECODED_KINDS, tally: census });
      const out: TraceEvent[] = [];
      let line = 1;
      runs.forEach((bytes, i) => (line += parser.lines(bytes, line, out, scanned(bytes, i))));
      parser.end(out);
      return { out, policy: census.policy() };
    };
    expect(parse((bytes, i) => (i % 2 === 1 ? scannedByOther(bytes) : undefined))).toEqual(parse(() => undefined));
  });

  it("is the default for large files on the main thread of a machine with two cores or more", () => {
    expect(defaultScanAhead(2)).toBe(DEFAULT_SCAN_AHEAD);
    expect(defaultScanAhead(1)).toBe(false);
  });
});
