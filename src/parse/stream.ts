/**
 * Text and byte streams into events: lines split at LF (a CR before it is
 * dropped by the line parser), UTF-8 decoded across chunk boundaries, only the
 * unfinished last line and the pending calls held in memory.
 */
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

/**
 * The lines of a chunked input, numbered from 1, in batches (one per chunk):
 * per-batch rather than per-line iteration keeps large traces fast. Chunks are
 * cut at their last LF, which never falls inside a UTF-8 sequence; the bytes
 * after it wait for the next chunk, copied: a reader may reuse its buffer for the next.
 */
export async function* straceLines(
  input: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<readonly string[], void, undefined> {
  let pending: Buffer[] = [];
  for await (const chunk of input) {
    const bytes = asBuffer(chunk);
    const last = bytes.lastIndexOf(LF);
    if (last < 0) {
      pending.push(Buffer.from(bytes));
      continue;
    }
    const first = bytes.indexOf(LF);
    const head =
      pending.length === 0
        ? bytes.toString("utf8", 0, first)
        : Buffer.concat([...pending, bytes.subarray(0, first)]).toString("utf8");
    const lines = first < last ? bytes.toString("utf8", first + 1, last).split("\n") : [];
    lines.unshift(head);
    pending = last + 1 < bytes.length ? [Buffer.from(bytes.subarray(last + 1))] : [];
    yield lines;
  }
  if (pending.length > 0) yield [Buffer.concat(pending).toString("utf8")];
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
  let lineNo = 0;
  for await (const lines of straceLines(input)) {
    const out: TraceEvent[] = [];
    for (const line of lines) parser.line(line, ++lineNo, out);
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
