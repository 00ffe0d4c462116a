import { isAppArmorRecord } from "./apparmor.js";
import { parseFields } from "./fields.js";
import { classifyLine } from "./line.js";

const STAMP = /\baudit\(\d+\.\d+:\d+\)/;

function isAuditLine(line: string): boolean {
  const classified = classifyLine(line);
  if (classified.kind === "loss") return true;
  if (classified.kind !== "record") return false;
  return classified.type === "SECCOMP" || STAMP.test(line) || isAppArmorRecord(classified.type, parseFields(classified.body));
}

/**
 * Whether the start of an input reads as an audit log: some line of it is a
 * seccomp or AppArmor record, a stamped record of another type
 * (`type=SYSCALL msg=audit(…)`), or the kernel's note of dropped records. Other
 * kernel messages may surround them (dmesg). A strace log never qualifies: its
 * lines put a `(` before any `type=`.
 */
export function looksLikeAuditLog(firstChunk: string): boolean {
  return firstChunk.split("\n").some(isAuditLine);
}
