/**
 * The audit log stage: kernel audit records in (audit.log, dmesg, journalctl or
 * syslog lines, with or without the `audit(…)` stamp), TraceEvents out.
 *
 * - parseAuditText / parseAudit / parseAuditBatches: one log, as a string or as
 *   chunks split anywhere; never throw on content; lines that are not records
 *   become UnparsedLine events.
 * - looksLikeAuditLog: content detection on the start of an input.
 */
export { looksLikeAuditLog } from "./detect.js";
export type { AuditFilter, AuditParseOptions } from "./record.js";
export { parseAudit, parseAuditBatches, parseAuditText } from "./stream.js";
