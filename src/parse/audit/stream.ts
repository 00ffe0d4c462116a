/**
 * Audit logs as strings or chunked byte streams into events. Every record is
 * one line and stands alone, so only the unfinished last line of a chunk is
 * held in memory.
 */
import type { AuditEvent } from "../../events/types.js";
import { straceLines } from "../stream.js";
import { auditLineEvent, type AuditParseOptions } from "./record.js";

function pushLine(line: string, lineNo: number, options: AuditParseOptions, out: AuditEvent[]): void {
  const event = auditLineEvent(line, { file: options.file, line: lineNo }, options.filter);
  if (event !== undefined) out.push(event);
}

/** Parses a whole audit log held in a string. Never throws. */
export function parseAuditText(text: string, options: AuditParseOptions): AuditEvent[] {
  const out: AuditEvent[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => pushLine(line, i + 1, options, out));
  return out;
}

/** Parses an audit log arriving in chunks split anywhere, one batch of events per chunk. Never throws on its content. */
export async function* parseAuditBatches(
  input: AsyncIterable<Uint8Array | string>,
  options: AuditParseOptions,
): AsyncGenerator<readonly AuditEvent[], void, undefined> {
  let lineNo = 0;
  for await (const lines of straceLines(input)) {
    const out: AuditEvent[] = [];
    for (const line of lines) pushLine(line, ++lineNo, options, out);
    if (out.length > 0) yield out;
  }
}

/** parseAuditBatches one event at a time. */
export async function* parseAudit(
  input: AsyncIterable<Uint8Array | string>,
  options: AuditParseOptions,
): AsyncGenerator<AuditEvent, void, undefined> {
  for await (const batch of parseAuditBatches(input, options)) yield* batch;
}
