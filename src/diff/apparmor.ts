/**
 * Two AppArmor profiles compared rule by rule: comments and order do not
 * count, file rules for the same path (and deny, owner) count as one with
 * their permissions together, so `/a r, /a w,` equals `/a rw,`.
 */
import type { AppArmorDocument, FilePerms, Rule } from "../apparmor/index.js";
import { permsText, renderPath, ruleText } from "../apparmor/index.js";
import { byCodeUnit } from "../order.js";

export type AppArmorRuleKind = Rule["kind"] | AppArmorDocument["unmodelled"][number]["keyword"];

export interface AppArmorRuleChange {
  readonly kind: AppArmorRuleKind;
  /** added: only B has it; removed: only A has it; changed: both have the path with other permissions. */
  readonly change: "added" | "removed" | "changed";
  readonly a?: string;
  readonly b?: string;
}

export interface AppArmorDiff {
  readonly kind: "apparmor";
  readonly same: boolean;
  readonly name?: { readonly a: string; readonly b: string };
  readonly flags?: { readonly a: readonly string[]; readonly b: readonly string[] };
  /** Sorted by kind, then rule text. */
  readonly rules: readonly AppArmorRuleChange[];
}

interface Entry {
  readonly kind: AppArmorRuleKind;
  readonly text: string;
}

type MutablePerms = { -readonly [K in keyof FilePerms<string>]: FilePerms<string>[K] };

function mergedPerms(a: FilePerms<string>, b: FilePerms<string>): FilePerms<string> {
  const perms: MutablePerms = { read: a.read || b.read, link: a.link || b.link, lock: a.lock || b.lock, mmap: a.mmap || b.mmap };
  const write = a.write === "w" || b.write === "w" ? "w" : (a.write ?? b.write);
  if (write) perms.write = write;
  // Two exec modes for one path are a conflict apparmor_parser refuses; keep both visible.
  const exec = [...new Set([a.exec, b.exec].filter((x): x is string => x !== undefined))].sort().join("+");
  if (exec) perms.exec = exec;
  return perms;
}

/** Entries by key: a file rule's key is its deny, owner and path (its permissions are the value); other rules are their text. */
function entries(document: AppArmorDocument): Map<string, Entry> {
  const files = new Map<string, { prefix: string; perms: FilePerms<string> }>();
  const out = new Map<string, Entry>();
  for (const rule of document.profile.rules) {
    if (rule.kind !== "file") {
      const text = ruleText(rule);
      out.set(`${rule.kind}\0${text}`, { kind: rule.kind, text });
      continue;
    }
    const prefix = `${rule.deny ? "deny " : ""}${rule.owner ? "owner " : ""}${renderPath(rule.path)}`;
    const known = files.get(prefix);
    files.set(prefix, { prefix, perms: known ? mergedPerms(known.perms, rule.perms) : rule.perms });
  }
  for (const { prefix, perms } of files.values()) out.set(`file\0${prefix}`, { kind: "file", text: `${prefix} ${permsText(perms)},` });
  for (const rule of document.unmodelled) out.set(`${rule.keyword}\0${rule.text}`, { kind: rule.keyword, text: `${rule.text},` });
  return out;
}

export function diffAppArmor(a: AppArmorDocument, b: AppArmorDocument): AppArmorDiff {
  const ea = entries(a);
  const eb = entries(b);
  const rules: AppArmorRuleChange[] = [];
  for (const [key, entry] of ea) {
    const other = eb.get(key);
    if (!other) rules.push({ kind: entry.kind, change: "removed", a: entry.text });
    else if (other.text !== entry.text) rules.push({ kind: entry.kind, change: "changed", a: entry.text, b: other.text });
  }
  for (const [key, entry] of eb) if (!ea.has(key)) rules.push({ kind: entry.kind, change: "added", b: entry.text });
  rules.sort((x, y) => byCodeUnit(x.kind, y.kind) || byCodeUnit(x.a ?? x.b ?? "", y.a ?? y.b ?? ""));
  const flagsDiffer = a.profile.flags.join(",") !== b.profile.flags.join(",");
  const nameDiffers = a.profile.name !== b.profile.name;
  return {
    kind: "apparmor",
    same: rules.length === 0 && !flagsDiffer && !nameDiffers,
    ...(nameDiffers ? { name: { a: a.profile.name, b: b.profile.name } } : {}),
    ...(flagsDiffer ? { flags: { a: a.profile.flags, b: b.profile.flags } } : {}),
    rules,
  };
}

export function appArmorDiffText(diff: AppArmorDiff, fileA: string, fileB: string): string {
  if (diff.same) return `${fileA} and ${fileB} have the same rules\n`;
  const flags = (f: readonly string[]) => (f.length ? `flags=(${f.join(",")})` : "no flags");
  const lines = [
    ...(diff.name ? [`name: ${fileA}: ${diff.name.a} | ${fileB}: ${diff.name.b}`] : []),
    ...(diff.flags ? [`flags: ${fileA}: ${flags(diff.flags.a)} | ${fileB}: ${flags(diff.flags.b)}`] : []),
    ...diff.rules.map((r) =>
      r.change === "changed" ? `${r.kind}: ${fileA}: ${r.a} | ${fileB}: ${r.b}` : `${r.kind}: only ${r.change === "removed" ? fileA : fileB}: ${r.a ?? r.b}`,
    ),
  ];
  return lines.map((line) => `${line}\n`).join("");
}

export function appArmorDiffJson(diff: AppArmorDiff, fileA: string, fileB: string): string {
  return `${JSON.stringify({ a: fileA, b: fileB, ...diff }, null, 2)}\n`;
}
