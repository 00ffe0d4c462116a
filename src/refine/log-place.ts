import type { AuditLossEvent, SourcePos } from "../events/types.js";

/** `dmesg.txt:44`: where in the log a record stands. */
export const where = (pos: SourcePos) => `${pos.file}:${pos.line}`;

/** The warning for records the kernel dropped; `lost` says what they would have shown (calls, accesses). */
export function droppedRecordsWarning(event: AuditLossEvent, lost: string): string {
  const count = event.count === undefined ? "" : `${event.count} `;
  return (
    `${where(event.pos)}: the kernel dropped ${count}audit records here; ` +
    `${lost} they showed are missing: clear the log, run the workload again and refine from the new log`
  );
}
