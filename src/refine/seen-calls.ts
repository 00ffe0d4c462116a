/**
 * What an audit log says about one seccomp profile: the calls its seccomp
 * records show, per ABI, with how often and where first, and a word about
 * every other line, so nothing is dropped unsaid.
 */
import type { AuditEvent, SourcePos } from "../events/types.js";
import { compareArches } from "../seccomp/profile.js";
import type { Arch } from "../syscalls/arch.js";
import { droppedRecordsWarning, where } from "./log-place.js";
import { plural } from "../plural.js";

/** One call on one ABI as the log shows it. */
export interface SeenCall {
  readonly arch: Arch;
  readonly name: string;
  /** How many records show it. */
  readonly count: number;
  /** The earliest record (by file, then line). */
  readonly first: SourcePos;
}

export interface SeenInLog {
  /** Sorted by ABI (ARCHES order), then name. */
  readonly calls: readonly SeenCall[];
  /** What the log holds besides seccomp records, and where it is incomplete: one line each. */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

function earlier(a: SourcePos, b: SourcePos): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}



/** Gathers the seccomp calls of a log and says what else it held. */
export async function seenInLog(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>): Promise<SeenInLog> {
  const calls = new Map<string, { arch: Arch; name: string; count: number; first: SourcePos }>();
  const warnings: string[] = [];
  let appArmor = 0;
  let otherRecords = 0;
  let otherLines = 0;
  for await (const event of events) {
    switch (event.kind) {
      case "syscall": {
        const key = `${event.arch} ${event.name}`;
        const seen = calls.get(key);
        if (seen === undefined) calls.set(key, { arch: event.arch, name: event.name, count: 1, first: event.pos });
        else {
          seen.count++;
          if (earlier(event.pos, seen.first)) seen.first = event.pos;
        }
        break;
      }
      case "apparmor":
        appArmor++;
        break;
      case "audit-other":
        otherRecords++;
        break;
      case "audit-loss":
        warnings.push(droppedRecordsWarning(event, "calls"));
        break;
      case "unparsed":
        // A seccomp record we could not read is a call we cannot add; other kernel messages are expected in dmesg.
        if (event.reason.startsWith("seccomp record")) warnings.push(`${where(event.pos)}: ${event.reason}; not added`);
        else otherLines++;
        break;
      case "signal":
      case "exit":
      case "personality":
        break;
    }
  }
  const notes = [
    ...(appArmor > 0 ? [`${plural(appArmor, "AppArmor record")} ignored (this is a seccomp profile)`] : []),
    ...(otherRecords > 0 ? [`${plural(otherRecords, "audit record")} of other types ignored`] : []),
    ...(otherLines > 0 ? [`${plural(otherLines, "line")} that are not audit records ignored`] : []),
  ];
  if (calls.size === 0) warnings.push("the log holds no seccomp records (for the processes asked for): nothing to learn from");
  const sorted = [...calls.values()].sort(
    (a, b) => compareArches(a.arch, b.arch) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return { calls: sorted, notes, warnings };
}
