/** `profilesmith verify --apparmor`'s report: one line per denied access, then a summary line. */
import type { AppArmorNeed, AppArmorVerification, DeniedAccess } from "./apparmor.js";

function needText(need: AppArmorNeed): string {
  switch (need.kind) {
    case "file":
      return `file ${need.path} ${need.perms}`;
    case "capability":
      return `capability ${need.capability}`;
    case "network":
      return `network ${[need.domain, need.type].filter(Boolean).join(" ")}`;
    case "ptrace":
      return `ptrace ${need.access}`;
  }
}

function deniedText(d: DeniedAccess, profileFile: string): string {
  const place = d.first ? `${d.first.pos.file}:${d.first.pos.line}: pid ${d.first.pid}` : `${profileFile}: (a script's #! interpreter)`;
  const why = d.deniedBy ? `denied by: ${d.rule}` : `missing: ${d.rule}`;
  return `${place}: ${needText(d.need)}: ${why}`;
}

export function appArmorVerificationText(result: AppArmorVerification, profileFile: string): string {
  const count = result.denied.length;
  const summary =
    count === 0
      ? `${profileFile}: all ${result.needs} traced access${result.needs === 1 ? "" : "es"} would be allowed`
      : `${profileFile}: ${count} of ${result.needs} traced access${result.needs === 1 ? "" : "es"} would be denied`;
  return [...result.denied.map((d) => deniedText(d, profileFile)), summary].map((line) => `${line}\n`).join("");
}

export function appArmorVerificationJson(result: AppArmorVerification, profileFile: string): string {
  const denied = result.denied.map((d) => ({
    ...d.need,
    missing: d.missing,
    rule: d.rule,
    ...(d.deniedBy ? { deniedBy: d.deniedBy } : {}),
    first: d.first ? { file: d.first.pos.file, line: d.first.pos.line, pid: d.first.pid } : null,
  }));
  return `${JSON.stringify({ kind: result.kind, profile: profileFile, needs: result.needs, denied }, null, 2)}\n`;
}
