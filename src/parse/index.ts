/**
 * The strace stage: strace logs in, TraceEvents out.
 *
 * - parseStraceText / parseStrace / parseStraceBatches: one log, as a string or
 *   as chunks split anywhere; never throw on content, report unparsed lines as events.
 * - readTraces: the CLI's inputs (files, `-ff` folders, `-` for stdin) as one
 *   stream, with a report, refusing inputs that are not strace logs.
 * - decodeArgs: the decoded arguments of one call, for callers holding raw args.
 * - parseAuditText / parseAudit / looksLikeAuditLog: kernel audit logs (audit/).
 */
export { parseStrace, parseStraceBatches, parseStraceText } from "./stream.js";
export { pidFromFfName, type DetailedCalls, type StraceParseOptions } from "./parser.js";
export { ALL_DECODED_KINDS, decodeArgs, type DecodedKind } from "./decode.js";
export {
  auditMessages,
  readTraces,
  STDIN_NAME,
  unparsedWarning,
  type ReadEvent,
  type ReadProgress,
  type AuditReport,
  type ReadTracesOptions,
  type TraceReading,
  type TraceReport,
  type UnparsedPlace,
} from "./read-traces.js";
export {
  looksLikeAuditLog,
  parseAudit,
  parseAuditBatches,
  parseAuditText,
  type AuditFilter,
  type AuditParseOptions,
} from "./audit/index.js";
