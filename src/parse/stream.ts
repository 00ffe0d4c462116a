/**
 * Text and byte streams into events: lines split at LF (a CR before it is
 * dropped), UTF-8 decoded across chunk boundaries, only the unfinished last
 * line and the pending calls held in memory.
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

/**
 * The lines of a chunked input, numbered from 1, in batches (one per chunk):
 * per-batch rather than per-line iteration keeps large traces fast.
 */
export async function* straceLines(
  input: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<readonly string[], void, undefined> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  for await (const chunk of input) {
    const text = typeof chunk === "string" ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    const lines = (carry + text).split("\n");
    carry = lines.pop() as string;
    if (lines.length > 0) yield lines;
  }
  const last = carry + decoder.decode();
  if (last !== "") yield [last];
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
