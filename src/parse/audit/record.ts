/**
 * One line of an audit log into at most one event: seccomp records become
 * SyscallEvents, AppArmor records AppArmorEvents, other record types
 * AuditOtherRecords, the kernel's notes of dropped records AuditLossEvents,
 * and anything else an UnparsedLine. Records of processes or profiles the
 * caller did not ask for give no event.
 */
import type { AuditEvent, SourcePos } from "../../events/types.js";
import { appArmorEvent, isAppArmorRecord } from "./apparmor.js";
import { numberField, parseFields, type Fields } from "./fields.js";
import { classifyLine } from "./line.js";
import { seccompEvent } from "./seccomp.js";

/**
 * Which records to keep. Each criterion given keeps only the records that carry
 * its field with one of the values listed; records without the field are left
 * out (AppArmor records carry no `exe=`). A profile matches itself and its hats
 * and children (`NAME//…`); a seccomp record's profile is its `subj=` label.
 */
export interface AuditFilter {
  readonly comm?: readonly string[];
  readonly exe?: readonly string[];
  readonly pid?: readonly number[];
  readonly profile?: readonly string[];
}

export interface AuditParseOptions {
  /** The input's name as the user gave it: every event's `pos.file`. */
  readonly file: string;
  readonly filter?: AuditFilter;
}

/**
 * `subj=docker-default (enforce)` (or `subj_apparmor=` where LSMs are stacked):
 * the AppArmor label of the task, without its mode.
 */
function labelOf(subj: string | undefined): string | undefined {
  return subj?.replace(/ \((?:enforce|complain|kill|unconfined|prompt)\)$/, "");
}

function profileMatches(profile: string | undefined, wanted: readonly string[]): boolean {
  return profile !== undefined && wanted.some((name) => profile === name || profile.startsWith(`${name}//`));
}

function accepted(fields: Fields, profile: string | undefined, filter: AuditFilter): boolean {
  const { comm, exe, pid, profile: profiles } = filter;
  const has = (values: readonly string[] | undefined, key: string): boolean => {
    const value = fields.get(key);
    return values === undefined || (value !== undefined && values.includes(value));
  };
  if (!has(comm, "comm") || !has(exe, "exe")) return false;
  if (pid !== undefined && !pid.includes(numberField(fields, "pid") ?? Number.NaN)) return false;
  return profiles === undefined || profileMatches(profile, profiles);
}

/** The event of one line (without its line break), or undefined when the filter leaves it out. */
export function auditLineEvent(line: string, pos: SourcePos, filter: AuditFilter | undefined): AuditEvent | undefined {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  const classified = classifyLine(text);
  switch (classified.kind) {
    case "blank":
      return undefined;
    case "loss":
      return { kind: "audit-loss", count: classified.count, text, pos };
    case "other":
      return { kind: "unparsed", reason: classified.reason, text, pos };
    case "record":
      break;
  }
  const fields = parseFields(classified.body);
  const seccomp = classified.type === "SECCOMP";
  if (!seccomp && !isAppArmorRecord(classified.type, fields)) {
    return { kind: "audit-other", recordType: classified.given ?? "", pos };
  }
  const profile = seccomp ? labelOf(fields.get("subj_apparmor") ?? fields.get("subj")) : fields.get("profile");
  if (filter !== undefined && !accepted(fields, profile, filter)) return undefined;
  const event = seccomp ? seccompEvent(fields, pos) : appArmorEvent(classified.type, fields, pos);
  return typeof event === "string" ? { kind: "unparsed", reason: event, text, pos } : event;
}
