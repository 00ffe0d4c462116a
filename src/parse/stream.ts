/**
 * Text and byte streams into events: lines split at LF (a CR before it is
 * dropped by the line parser), UTF-8 decoded across chunk boundaries, only the
 * unfinished last line and the pending calls held in memory.
 */
import { isAscii } from "node:buffer";
import type { TraceEvent } from "../events/types.js";
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

/** Bytes as text: Latin-1 where they are ASCII (the same text, decoded several times faster), else UTF-8. */
function decoded(bytes: Buffer, start: number, end: number): string {
  return isAscii(bytes.subarray(start, end)) ? bytes.toString("latin1", start, end) : bytes.toString("utf8", start, end);
}

/**
 * The most bytes decoded into one text, unless a line is longer: V8 allocates
 * larger strings apart from the others (above 128 KiB), several times slower.
 */
const TEXT_BYTES = 64 * 1024;

/** The texts of `bytes` from `start` up to `end` (each after a LF): runs of whole lines of about TEXT_BYTES at most. */
function* textsOf(bytes: Buffer, start: number, end: number): Generator<string, void, undefined> {
  for (let from = start; from < end; ) {
    let to = end;
    if (end - from > TEXT_BYTES) {
      const lf = bytes.lastIndexOf(LF, from + TEXT_BYTES - 1);
      to = (lf >= from ? lf : bytes.indexOf(LF, from + TEXT_BYTES)) + 1;
    }
    yield decoded(bytes, from, to);
    from = to;
  }
}

/**
 * The text of a chunked input in runs of whole lines (see textsOf), each line
 * ended by a LF but maybe the input's last. Chunks are cut after their last LF,
 * which never falls inside a UTF-8 sequence; the bytes after it wait for the
 * next chunk, copied: a reader may reuse its buffer for the next.
 */
export async function* straceTexts(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
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
      const head = Buffer.concat([...pending, bytes.subarray(0, start)]);
      yield decoded(head, 0, head.length);
    }
    const rest = textsOf(bytes, start, last + 1);
    pending = last + 1 < bytes.length ? [Buffer.from(bytes.subarray(last + 1))] : [];
    yield* rest;
  }
  if (pending.length > 0) {
    const rest = Buffer.concat(pending);
    yield decoded(rest, 0, rest.length);
  }
}

/** The lines of a text of straceTexts. */
export function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

/** The lines of a chunked input, in batches (one per chunk, see straceTexts): per-batch rather than per-line iteration keeps large traces fast. */
export async function* straceLines(
  input: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<readonly string[], void, undefined> {
  for await (const text of straceTexts(input)) yield linesOf(text);
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
  for await (const text of straceTexts(input)) {
    const out: TraceEvent[] = [];
    lineNo += parser.lines(text, lineNo, out);
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
