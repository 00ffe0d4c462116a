/** One `apparmor="DENIED"` audit record, field name → value (`requested_mask`, `name`, …). */
export type AppArmorDenial = Readonly<Record<string, string>>;

/** Fields the kernel logs with audit_log_untrustedstring: quoted when plain, hex when not. */
const UNTRUSTED_FIELDS = new Set(["name", "comm", "profile", "target", "peer", "info", "name2"]);
const FIELD = /([a-z_0-9]+)=("[^"]*"|\S+)/g;

function fieldValue(field: string, raw: string): string {
  if (raw.startsWith('"')) return raw.slice(1, -1);
  if (UNTRUSTED_FIELDS.has(field) && /^(?:[0-9A-F]{2})+$/.test(raw)) return Buffer.from(raw, "hex").toString("utf8");
  return raw;
}

/** The AppArmor denials in kernel log text (`dmesg` output), in log order. */
export function parseDenials(kernelLog: string): AppArmorDenial[] {
  return kernelLog
    .split("\n")
    .filter((line) => line.includes('apparmor="DENIED"'))
    .map((line) => {
      const record = line.slice(line.indexOf('apparmor="DENIED"'));
      return Object.fromEntries([...record.matchAll(FIELD)].map(([, field, raw]) => [field, fieldValue(field as string, raw as string)]));
    });
}
