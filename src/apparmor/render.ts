/**
 * A Profile as AppArmor text: deterministic (rules sorted within fixed groups,
 * duplicates dropped), and safe for any literal path (quote.ts).
 */
import type { PathPattern } from "./path-pattern.js";
import type { FileRule, DenyFileRule, Profile, Rule } from "./profile.js";
import { permsText, PTRACE_ACCESS, SIGNAL_ACCESS, SIGNALS, UNIX_ACCESS } from "./profile.js";
import { quotePath } from "./quote.js";
import { byCodeUnit } from "../order.js";

/** Literal paths made only of these bytes are written without quotes, for readability. */
const UNQUOTED_LITERAL = /^\/[A-Za-z0-9/._+\-]*$/;

/** A path pattern as it appears in a rule. */
export function renderPath(path: PathPattern): string {
  if (path.kind === "glob") return path.source;
  return UNQUOTED_LITERAL.test(path.bytes) ? path.bytes : quotePath(path.bytes);
}

function inOrder<T extends string>(values: readonly T[], order: readonly T[]): T[] {
  return order.filter((v) => values.includes(v));
}

function parenthesized(words: readonly string[]): string {
  return words.length === 0 ? "" : ` (${words.join(", ")})`;
}

function fileRuleText(rule: FileRule | DenyFileRule): string {
  return `${rule.deny ? "deny " : ""}${rule.owner ? "owner " : ""}${renderPath(rule.path)} ${permsText(rule.perms)},`;
}

/** One rule's text, without comment or indentation. */
export function ruleText(rule: Rule): string {
  switch (rule.kind) {
    case "capability":
      return `capability ${rule.capability},`;
    case "network":
      return ["network", rule.domain, rule.type].filter(Boolean).join(" ") + ",";
    case "signal": {
      const set = rule.set.length ? ` set=(${inOrder(rule.set, SIGNALS).join(", ")})` : "";
      return `signal${parenthesized(inOrder(rule.access, SIGNAL_ACCESS))}${set}${rule.peer ? ` peer=${rule.peer}` : ""},`;
    }
    case "ptrace":
      return `ptrace${parenthesized(inOrder(rule.access, PTRACE_ACCESS))}${rule.peer ? ` peer=${rule.peer}` : ""},`;
    case "unix":
      return `unix${parenthesized(inOrder(rule.access, UNIX_ACCESS))}${rule.type ? ` type=${rule.type}` : ""}${rule.peer ? ` peer=(label=${rule.peer})` : ""},`;
    case "file":
      return fileRuleText(rule);
  }
}

/** Which block a rule is rendered in: capabilities, network, signal/ptrace/unix, files, execs. */
function group(rule: Rule): number {
  switch (rule.kind) {
    case "capability":
      return 0;
    case "network":
      return 1;
    case "signal":
    case "ptrace":
    case "unix":
      return 2;
    case "file":
      return rule.perms.exec ? 4 : 3;
  }
}

/** A comment as `#` lines: every line of it commented, control bytes shown as `\xNN`. */
function commentLines(comment: string): string[] {
  return comment
    .split(/\r?\n/)
    .map((line) => `# ${line.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}`.trimEnd());
}

const INDENT = "  ";

/** The profile as AppArmor policy text (abi 3.0, tunables/global, abstractions/base). */
export function renderProfile(profile: Profile): string {
  const entries = profile.rules.map((rule) => ({ group: group(rule), text: ruleText(rule), comment: rule.comment ?? "" }));
  const key = (e: (typeof entries)[number]): string => `${e.group}\0${e.text}\0${e.comment}`;
  const sorted = [...new Map(entries.map((e) => [key(e), e])).values()].sort((a, b) =>
    a.group - b.group || byCodeUnit(a.text, b.text) || byCodeUnit(a.comment, b.comment),
  );
  const body: string[] = [`${INDENT}include <abstractions/base>`];
  let previous: number | undefined;
  for (const entry of sorted) {
    if (entry.group !== previous) body.push("");
    previous = entry.group;
    if (entry.comment) body.push(...commentLines(entry.comment).map((line) => INDENT + line));
    body.push(INDENT + entry.text);
  }
  const flags = profile.flags.length ? ` flags=(${profile.flags.join(",")})` : "";
  return ["abi <abi/3.0>,", "include <tunables/global>", "", `profile ${profile.name}${flags} {`, ...body, "}", ""].join("\n");
}
