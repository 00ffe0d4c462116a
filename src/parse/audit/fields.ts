/**
 * The `key=value` fields of an audit record's body, as the kernel writes them:
 * `key="text"` for strings it trusts, `key=2F746D70…` (uppercase hex, unquoted)
 * for strings holding a space, quote or control character, `key=123` for
 * numbers. auditd's ENRICHED format appends interpreted fields after a 0x1d
 * byte (`\x1dAUID="root" ARCH=x86_64`); they repeat what the raw fields say and
 * are not read.
 */

/** Fields the kernel logs with audit_log_untrustedstring: hex when unquoted. */
const UNTRUSTED_STRING_KEYS: ReadonlySet<string> = new Set([
  "comm",
  "exe",
  "name",
  "profile",
  "peer",
  "target",
  "namespace",
  "label",
  "peer_label",
  "peer_profile",
  "srcname",
  "fstype",
  "execpath",
  "addr",
  "peer_addr",
  "cwd",
  "proctitle",
]);

const HEX_STRING = /^(?:[0-9A-F]{2})+$/;
const ENRICHED_SEPARATOR = "\x1d";

export type Fields = ReadonlyMap<string, string>;

function decodeHex(hex: string): string {
  return Buffer.from(hex, "hex").toString("utf8");
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t";
}

/**
 * The fields of `body`, values unquoted and hex-decoded; the first of a
 * repeated key wins. Text that is not `key=value` is skipped: callers check
 * the fields they need.
 */
export function parseFields(body: string): Fields {
  const gs = body.indexOf(ENRICHED_SEPARATOR);
  const text = gs < 0 ? body : body.slice(0, gs);
  const fields = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isSpace(text[i]!)) i++;
    const start = i;
    while (i < text.length && text[i] !== "=" && !isSpace(text[i]!)) i++;
    if (text[i] !== "=") continue;
    const key = text.slice(start, i++);
    let value: string;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close < 0 ? text.length : close;
      value = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const valueStart = i;
      while (i < text.length && !isSpace(text[i]!)) i++;
      value = text.slice(valueStart, i);
      if (UNTRUSTED_STRING_KEYS.has(key) && HEX_STRING.test(value)) value = decodeHex(value);
    }
    if (key !== "" && !fields.has(key)) fields.set(key, value);
  }
  return fields;
}

/** A field as a decimal number (`pid=123`), or undefined when absent or not one. */
export function numberField(fields: Fields, key: string): number | undefined {
  const text = fields.get(key);
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}
