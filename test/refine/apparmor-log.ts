/** One dmesg AppArmor record (type=1400), as the kernel prints it, with `fields` after the common head. */
export function appArmorRecord(fields: string, options: { verdict?: "ALLOWED" | "DENIED"; profile?: string; pid?: number } = {}): string {
  return (
    `[  42.000000] audit: type=1400 audit(1795527024.859:330): apparmor="${options.verdict ?? "ALLOWED"}" ` +
    `${fields.replace(/^(operation="[^"]*"(?: class="[^"]*")?)/, `$1 profile="${options.profile ?? "app"}"`)} pid=${options.pid ?? 42} comm="app"`
  );
}

export const openRecord = (path: string, mask: string, extra = "") =>
  appArmorRecord(`operation="open" class="file" name="${path}" requested_mask="${mask}" denied_mask="${mask}" fsuid=0 ouid=0${extra}`);
