/**
 * AppArmor records (type=1400 / AVC), as the kernel's security/apparmor/audit.c
 * and the per-class callbacks write them: a common head
 *
 *   apparmor="DENIED" operation="open" class="file" info="…" error=-13 profile="NAME"
 *
 * then the class's fields. Older kernels print no `class=`; the class is then
 * read from the fields present (capname, family, signal, operation="ptrace"),
 * as aa-logprof does. Newer kernels print `requested=`/`denied=` where older
 * ones printed `requested_mask=`/`denied_mask=`.
 */
import type { AppArmorAccess, AppArmorEvent, AppArmorVerdict, SourcePos } from "../../events/types.js";
import { numberField, type Fields } from "./fields.js";

const VERDICTS: readonly AppArmorVerdict[] = ["AUDIT", "ALLOWED", "DENIED", "HINT", "STATUS", "ERROR", "KILLED", "AUTO"];

/** Operations of class-less records that are not file accesses, though they carry `name=` and masks. */
const NON_FILE_OPERATIONS: ReadonlySet<string> = new Set([
  "mount",
  "umount",
  "remount",
  "pivotroot",
  "change_profile",
  "change_hat",
  "change_onexec",
  "profile_load",
  "profile_replace",
  "profile_remove",
]);

function isVerdict(text: string): text is AppArmorVerdict {
  return (VERDICTS as readonly string[]).includes(text);
}

function mask(fields: Fields, key: "requested" | "denied"): string | undefined {
  return fields.get(`${key}_mask`) ?? fields.get(key);
}

function joinAddress(host: string | undefined, port: string | undefined): string | undefined {
  if (host === undefined) return port === undefined ? undefined : `:${port}`;
  return port === undefined ? host : `${host}:${port}`;
}

function presentAddress(address: string | undefined): string | undefined {
  return address === "none" ? undefined : address;
}

function otherAccess(fields: Fields): AppArmorAccess {
  return { what: "other", class: fields.get("class"), fields: Object.fromEntries(fields) };
}

function networkAccess(fields: Fields, family: string): AppArmorAccess {
  return {
    what: "network",
    family,
    sockType: fields.get("sock_type"),
    protocol: numberField(fields, "protocol"),
    requested: mask(fields, "requested"),
    denied: mask(fields, "denied"),
    local: presentAddress(fields.get("addr")) ?? joinAddress(fields.get("laddr"), fields.get("lport")),
    remote: presentAddress(fields.get("peer_addr")) ?? joinAddress(fields.get("faddr"), fields.get("fport")),
    peer: fields.get("peer"),
  };
}

function accessOf(fields: Fields, operation: string): AppArmorAccess {
  const cls = fields.get("class");
  const capability = numberField(fields, "capability");
  const capname = fields.get("capname");
  if (capability !== undefined && capname !== undefined) return { what: "capability", capability, name: capname };
  const family = fields.get("family");
  if (family !== undefined && (cls === undefined || cls === "net")) return networkAccess(fields, family);
  const requested = mask(fields, "requested");
  const signal = fields.get("signal");
  if (signal !== undefined && requested !== undefined && (cls === undefined || cls === "signal")) {
    return { what: "signal", requested, signal, peer: fields.get("peer") };
  }
  if (operation === "ptrace" && requested !== undefined && (cls === undefined || cls === "ptrace")) {
    return { what: "ptrace", requested, peer: fields.get("peer") };
  }
  const fileLike = cls === undefined ? !NON_FILE_OPERATIONS.has(operation) : cls === "file";
  if (fileLike && requested !== undefined) {
    return {
      what: "file",
      path: fields.get("name"),
      requested,
      denied: mask(fields, "denied"),
      target: fields.get("target"),
      fsuid: numberField(fields, "fsuid"),
      ouid: numberField(fields, "ouid"),
    };
  }
  return otherAccess(fields);
}

/** Record types of kernels before 2.6.36, whose records had no `apparmor=`: the type is the verdict. */
const TYPE_VERDICTS: Readonly<Record<string, AppArmorVerdict>> = {
  APPARMOR_AUDIT: "AUDIT",
  APPARMOR_ALLOWED: "ALLOWED",
  APPARMOR_DENIED: "DENIED",
  APPARMOR_HINT: "HINT",
  APPARMOR_STATUS: "STATUS",
  APPARMOR_ERROR: "ERROR",
  APPARMOR_KILL: "KILLED",
};

/** Whether a record of `type` with `fields` is an AppArmor record. */
export function isAppArmorRecord(type: string | undefined, fields: Fields): boolean {
  return fields.has("apparmor") || (type !== undefined && type in TYPE_VERDICTS);
}

/** The access an AppArmor record shows, or why it cannot be read as one. */
export function appArmorEvent(type: string | undefined, fields: Fields, pos: SourcePos): AppArmorEvent | string {
  const verdict = fields.get("apparmor") ?? (type === undefined ? undefined : TYPE_VERDICTS[type]);
  const operation = fields.get("operation");
  if (verdict === undefined || !isVerdict(verdict)) return `AppArmor record with an unknown apparmor="${verdict ?? ""}"`;
  if (operation === undefined) return "AppArmor record without an operation=";
  return {
    kind: "apparmor",
    pid: numberField(fields, "pid"),
    verdict,
    operation,
    profile: fields.get("profile"),
    comm: fields.get("comm"),
    access: accessOf(fields, operation),
    info: fields.get("info"),
    pos,
  };
}
