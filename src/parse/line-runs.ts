/**
 * A strace log's bytes as runs of whole lines: read from a file in chunks,
 * cut at line ends, each run small enough to be read as one batch.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { ScannedLines } from "./common-lines.js";

/** A run of whole lines (see straceBytes), and the scan of its lines when it was made ahead (see scan-ahead.ts). */
export interface LineRun {
  readonly bytes: Buffer;
  readonly scanned: ScannedLines | undefined;
}

const LF = 0x0a;

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The most bytes of a run of lines read at once, unless a line is longer: a
 * text decoded from more would be allocated apart from the others (above 128
 * KiB, several times slower), and a reader's batch of events would live longer.
 */
const RUN_BYTES = 64 * 1024;

/** The runs of whole lines of `bytes` (whole lines) of about RUN_BYTES at most: views of it. */
function* runsOf(bytes: Buffer): Generator<Buffer, void, undefined> {
  for (let from = 0; from < bytes.length; ) {
    let to = bytes.length;
    if (bytes.length - from > RUN_BYTES) {
      const lf = bytes.lastIndexOf(LF, from + RUN_BYTES - 1);
      to = (lf >= from ? lf : bytes.indexOf(LF, from + RUN_BYTES)) + 1;
    }
    yield bytes.subarray(from, to);
    from = to;
  }
}

/**
 * The bytes of a chunked input in runs of whole lines of about RUN_BYTES at
 * most, each line ended by a LF but maybe the input's last: each chunk up to
 * its last LF, the line it began carried over and joined with the next chunk's
 * first. A run is a view of the reader's chunk, good until the next is asked
 * for (a reader may reuse its buffer); the bytes carried over are copied. A
 * LF never falls inside a UTF-8 sequence.
 */
export async function* straceBytes(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer, void, undefined> {
  let pending: Buffer[] = [];
  for await (const chunk of input) {
    const bytes = asBuffer(chunk);
    const last = bytes.lastIndexOf(LF);
    if (last < 0) {
      pending.push(Buffer.from(bytes));
      continue;
    }
    let start = 0;
    if (pending.length > 0) {
      start = bytes.indexOf(LF) + 1;
      yield* runsOf(Buffer.concat([...pending, bytes.subarray(0, start)]));
    }
    pending = last + 1 < bytes.length ? [Buffer.from(bytes.subarray(last + 1))] : [];
    yield* runsOf(bytes.subarray(start, last + 1));
  }
  if (pending.length > 0) yield* runsOf(Buffer.concat(pending));
}

/** `input`, its chunks' sizes told to `onBytes` as they pass. */
export async function* counted(
  input: AsyncIterable<Uint8Array | string>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<Uint8Array | string, void, undefined> {
  for await (const chunk of input) {
    onBytes(typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);
    yield chunk;
  }
}

/** straceBytes' runs, to be scanned by their reader. */
export async function* lineRuns(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<LineRun, void, undefined> {
  for await (const bytes of straceBytes(input)) yield { bytes, scanned: undefined };
}

/** Read size: measured faster than 1 MiB. */
const READ_CHUNK_BYTES = 256 * 1024;

/** A byte range of a file: from `start`, up to (not including) `end`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A file's bytes (or those of `range`), read into one buffer in turn
 * (straceBytes copies what it keeps): no stream machinery and no new buffer
 * per chunk. Reads are synchronous: from the page cache they cost a third of
 * what asynchronous reads cost in thread hops and promises (41 ms instead of
 * 130 ms for 256 MiB), and a reader has nothing else to do meanwhile.
 */
export async function* fileChunks(path: string, range?: ByteRange): AsyncGenerator<Uint8Array, void, undefined> {
  const file = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (let at = range?.start ?? 0; ; ) {
      const wanted = range === undefined ? buffer.length : Math.min(buffer.length, range.end - at);
      const bytesRead = wanted > 0 ? readSync(file, buffer, 0, wanted, range === undefined ? null : at) : 0;
      if (bytesRead === 0) return;
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(file);
  }
}

/** How far past a cut point the next line start is looked for at a time. */
const LINE_SEARCH_BYTES = 64 * 1024;

/** The byte offset of the first line start at or after `at` (a line starts after a LF; `at` > 0) in the open file `fd` of `size` bytes, or `size`. */
export function lineStartFrom(fd: number, at: number, size: number): number {
  const buffer = Buffer.allocUnsafe(LINE_SEARCH_BYTES);
  for (let from = at - 1; from < size; from += buffer.length) {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, from);
    const lf = buffer.subarray(0, bytesRead).indexOf(LF);
    if (lf >= 0) return from + lf + 1;
  }
  return size;
}
