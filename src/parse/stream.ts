/**
 * Text and byte streams into events: lines split at LF (a CR before it is
 * dropped by the line parser), UTF-8 decoded across chunk boundaries, only the
 * unfinished last line and the pending calls held in memory.
 */
import type { TraceEvent } from "../events/types.js";
import { decodeBytes } from "./bytes.js";
import { StraceParser, type StraceParseOptions } from "./parser.js";

/** Parses a whole strace log held in a string. Never throws. */
export function parseStraceText(text: string, options: StraceParseOptions): TraceEvent[] {
  const parser = new StraceParser(options);
  const out: TraceEvent[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => parser.line(line, i + 1, out));
  parser.end(out);
  return out;
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

/** The lines of a text: of a run of straceBytes, decoded. */
export function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

/** The lines of a chunked input, in batches (one per run, see straceBytes): per-batch rather than per-line iteration keeps large traces fast. */
export async function* straceLines(
  input: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<readonly string[], void, undefined> {
  for await (const run of straceBytes(input)) yield linesOf(decodeBytes(run, 0, run.length));
}

/**
 * Parses a strace log arriving in chunks split anywhere (inside a line, a UTF-8
 * sequence or a CRLF), yielding the events of each chunk as one batch. Never throws
 * on its content.
 */
export async function* parseStraceBatches(
  input: AsyncIterable<Uint8Array | string>,
  options: StraceParseOptions,
): AsyncGenerator<readonly TraceEvent[], void, undefined> {
  const parser = new StraceParser(options);
  let lineNo = 1;
  for await (const run of straceBytes(input)) {
    const out: TraceEvent[] = [];
    lineNo += parser.lines(run, lineNo, out);
    if (out.length > 0) yield out;
  }
  const out: TraceEvent[] = [];
  parser.end(out);
  if (out.length > 0) yield out;
}

/** parseStraceBatches one event at a time. */
export async function* parseStrace(
  input: AsyncIterable<Uint8Array | string>,
  options: StraceParseOptions,
): AsyncGenerator<TraceEvent, void, undefined> {
  for await (const batch of parseStraceBatches(input, options)) yield* batch;
}
