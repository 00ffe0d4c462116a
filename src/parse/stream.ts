/**
 * Text and byte streams into events: lines split at LF (a CR before it is
 * dropped by the line parser), UTF-8 decoded across chunk boundaries, only the
 * unfinished last line and the pending calls held in memory.
 */
import type { TraceEvent } from "../events/types.js";
import { decodeBytes } from "./bytes.js";
import { straceBytes } from "./line-runs.js";
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
