/**
 * AppArmor set variables (`@{PROC}=/proc/`, `@{HOME}=@{HOMEDIRS}/*​/ /root/`):
 * reading their definitions and expanding them in a path the way apparmor 3.0
 * parser/parser_variable.c expand_entry_variables() does.
 */
import { unquote } from "./quote.js";

/** Variable name → its values, as written (values may refer to other variables). */
export type Variables = ReadonlyMap<string, readonly string[]>;

const ASSIGNMENT = /^@\{([A-Za-z][A-Za-z0-9_]*)\}\s*(\+?=)\s*(.*)$/;

/**
 * The variables a tunables text defines: `@{NAME}=v1 v2`, `@{NAME}+=v3`;
 * values are blank-separated, optionally quoted. Comments and other lines
 * (includes, resolved by the caller) are skipped.
 */
export function parseVariables(text: string, into = new Map<string, string[]>()): Map<string, string[]> {
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) continue;
    const [, name, op, rest] = assignment as unknown as [string, string, string, string];
    const values = (rest.match(/"[^"]*"|\S+/g) ?? []).map((v) => unquote(v));
    into.set(name, op === "+=" ? [...(into.get(name) ?? []), ...values] : values);
  }
  return into;
}

/** split_out_var(): the first `@{name}` not preceded by an escaping `\`, or undefined. */
function firstVariable(aare: string): { start: number; end: number; name: string } | undefined {
  let escaped = false;
  for (let i = 0; i < aare.length; i++) {
    const c = aare[i];
    if (c === "\\") {
      escaped = !escaped;
      continue;
    }
    if (c === "@" && !escaped && aare[i + 1] === "{") {
      const match = /^[A-Za-z][A-Za-z0-9_]*\}/.exec(aare.slice(i + 2));
      if (match) return { start: i, end: i + 2 + match[0].length, name: match[0].slice(0, -1) };
    }
    escaped = false;
  }
  return undefined;
}

/**
 * `aare` with every variable replaced: a single value in place, several as a
 * `{v1,v2}` alternation whose values lose a leading `/` after a `/` and a
 * trailing `/` before one (expand_by_alternations()). Throws RangeError for an
 * undefined variable.
 */
export function expandVariables(aare: string, variables: Variables): string {
  let out = aare;
  for (let found = firstVariable(out); found; found = firstVariable(out)) {
    const values = variables.get(found.name);
    if (!values || values.length === 0) throw new RangeError(`undefined variable @{${found.name}} in ${JSON.stringify(aare)}`);
    const prefix = out.slice(0, found.start);
    const suffix = out.slice(found.end);
    let replacement: string;
    if (values.length === 1) replacement = values[0] as string;
    else {
      const trimmed = values.map((v) => {
        let value = v;
        if (prefix.endsWith("/")) value = value.replace(/^\/+/, "");
        if (suffix.startsWith("/")) value = value.replace(/\/+$/, "");
        return value;
      });
      replacement = `{${trimmed.join(",")}}`;
    }
    out = prefix + replacement + suffix;
  }
  return out;
}
