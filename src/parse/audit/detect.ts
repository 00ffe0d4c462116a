import { auditLineEvent } from "./record.js";

const STAMP = /\baudit\(\d+\.\d+:\d+\)/;
const PROBE_POS = { file: "", line: 0 };

/**
 * Whether the start of an input reads as an audit log: some line of it is a
 * seccomp or AppArmor record, a note of dropped records, or a stamped record
 * of another type (`type=SYSCALL msg=audit(…)`). Other kernel messages may
 * surround them (dmesg). A strace log never qualifies: its lines put a `(`
 * before any `type=`.
 */
export function looksLikeAuditLog(firstChunk: string): boolean {
  return firstChunk.split("\n").some((line) => {
    const event = auditLineEvent(line, PROBE_POS, undefined);
    if (event === undefined) return false;
    if (event.kind === "audit-other") return STAMP.test(line);
    return event.kind !== "unparsed" || event.reason.startsWith("seccomp record") || event.reason.startsWith("AppArmor record");
  });
}
