/**
 * One line of an audit log, classified by its envelope: however the record
 * reached the file, the kernel's text starts at `type=` or at a bare
 * `apparmor="…"`, and what stands before it is a transport's prefix:
 *
 *   type=SECCOMP msg=audit(1700000000.123:456): …            (auditd, audit.log)
 *   node=host type=AVC msg=audit(…): …                        (auditd with name_format)
 *   [  123.456] audit: type=1326 audit(1700000000.123:456): …  (dmesg; `<5>` with dmesg -r)
 *   Nov 24 12:00:00 host kernel: audit: type=1326 audit(…): … (journalctl, syslog)
 *   Apr  5 19:30:56 host kernel: [153073.8] type=1400 audit(…): … (older syslog)
 *   Jul 31 17:10:35 host dbus[1692]: apparmor="DENIED" …       (AppArmor-aware daemons)
 *
 * A prefix never holds `(` or `"`: that keeps a strace line that merely prints
 * such a record inside a string (`write(1, "type=1326 …`) from reading as one.
 */

/** The numeric record types the kernel prints without auditd, named as auditd names them. */
const RECORD_TYPE_NAMES: Readonly<Record<string, string>> = {
  "1326": "SECCOMP",
  "1400": "AVC",
  "1501": "APPARMOR_AUDIT",
  "1502": "APPARMOR_ALLOWED",
  "1503": "APPARMOR_DENIED",
  "1504": "APPARMOR_HINT",
  "1505": "APPARMOR_STATUS",
  "1506": "APPARMOR_ERROR",
  "1507": "APPARMOR_KILL",
};

export type AuditLine =
  /** `type` as auditd names it (`SECCOMP` for 1326), `given` as the line spells it, `body` the fields' text. */
  | { readonly kind: "record"; readonly type: string | undefined; readonly given: string | undefined; readonly body: string }
  /** The kernel dropped records here; `count` when the line says how many. */
  | { readonly kind: "loss"; readonly count: number | undefined }
  | { readonly kind: "blank" }
  | { readonly kind: "other"; readonly reason: string };

/** At a `type=`: the type, the blanks, an optional `msg=audit(…):` or `audit(…):` stamp and its blanks. */
const RECORD_HEAD = /type=(\S+)[ \t]+(?:(?:msg=)?audit\([^)]*\):?[ \t]*)?/y;
const BOUNDARY: ReadonlySet<string> = new Set([" ", "\t", "]", ":"]);

/** Where `key` starts at a token boundary after a prefix free of `(` and `"`, or -1. Linear on any line. */
function envelopeEnd(line: string, key: string): number {
  const stop = line.search(/[("]/);
  const limit = stop < 0 ? line.length : stop;
  for (let at = line.indexOf(key); at >= 0 && at < limit; at = line.indexOf(key, at + 1)) {
    if (at === 0 || BOUNDARY.has(line[at - 1]!)) return at;
  }
  return -1;
}

function recordHead(line: string): RegExpExecArray | null {
  const at = envelopeEnd(line, "type=");
  if (at < 0) return null;
  RECORD_HEAD.lastIndex = at;
  return RECORD_HEAD.exec(line);
}

/** printk's rate limit on kauditd (no auditd running), auditd's backlog and rate limits. */
const LOSS = [
  /\bkauditd_printk_skb: (\d+) callbacks suppressed/,
  /\baudit: audit_lost=(\d+)/,
  /\baudit: (?:rate limit exceeded|backlog limit exceeded|kauditd hold queue overflow)/,
];

function loss(line: string): AuditLine | undefined {
  for (const pattern of LOSS) {
    const match = pattern.exec(line);
    if (match) return { kind: "loss", count: match[1] === undefined ? undefined : Number(match[1]) };
  }
  return undefined;
}

/** Classifies one line (without its line break). */
export function classifyLine(line: string): AuditLine {
  if (line.trim() === "") return { kind: "blank" };
  const head = recordHead(line);
  if (head) {
    const given = head[1]!;
    return { kind: "record", type: RECORD_TYPE_NAMES[given] ?? given, given, body: line.slice(head.index + head[0].length) };
  }
  // An AppArmor record without `type=`: a daemon's log line, or a record body on its own.
  const bare = envelopeEnd(line, 'apparmor="');
  if (bare >= 0) return { kind: "record", type: undefined, given: undefined, body: line.slice(bare) };
  return (
    loss(line) ?? {
      kind: "other",
      reason: /\baudit[:(]/.test(line) ? "an audit message that is not a record" : "not an audit record",
    }
  );
}
