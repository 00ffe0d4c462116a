/**
 * Quoting a literal path for a profile, and reading quoted text back the way
 * apparmor_parser does. Upstream (apparmor 3.0, parser/):
 *
 * - parser_lex.l: a quoted id is `\"([^\0"]|\\\")*\"`. Flex takes the longest
 *   match, so a `\` right before a `"` would let the string run on to a later
 *   quote: we never emit a raw `"` or `\` inside quotes.
 * - parser_misc.c processunquoted(): `\` + an escape understood by lib.c
 *   strn_escseq() (octal `\NNN` up to three digits, `\xHH`, `\dNNN`, `\\`, `\"`,
 *   `\a \e \f \n \r \t`) becomes that byte, except that a byte from `*?[]{}^,\`
 *   stays escaped (`\*`) for the regex stage; any other `\c` is kept as is.
 * - parser_variable.c split_out_var(): `@{` starts a variable unless the `@` is
 *   escaped; since we escape every `{`, a literal `@{` never becomes one.
 * - parser_regex.c convert_aaregex_to_pcre(): an escaped glob character is
 *   literal; `.+|()$^` are always literal.
 *
 * So inside quotes we write letters, digits, blank and harmless punctuation as
 * themselves, the glob characters `*?[]{}^,` as `\c`, and every other byte
 * (`"`, `\`, `#`, control bytes, non-ASCII, …) as three-digit octal `\NNN`.
 */
import type { ByteString } from "./path-pattern.js";

/** Bytes that stay escaped through processunquoted() and are literal in the regex stage. */
const GLOB_SPECIAL = "*?[]{}^,\\";

/** Printable bytes written as themselves inside quotes. */
const PLAIN = /[A-Za-z0-9 /._+\-:=~%@$!&'();<>|`]/;

function octal(byte: number): string {
  return "\\" + byte.toString(8).padStart(3, "0");
}

/** `bytes` as a double-quoted AppArmor string that stands for exactly these bytes. */
export function quotePath(bytes: ByteString): string {
  let out = '"';
  for (const c of bytes) {
    if (PLAIN.test(c)) out += c;
    else if (GLOB_SPECIAL.includes(c) && c !== "\\") out += "\\" + c;
    else out += octal(c.charCodeAt(0));
  }
  return out + '"';
}

/** lib.c strn_escseq(): the byte an escape after `\` stands for and its length, or undefined. */
function escapeSequence(text: string, at: number): { byte: number; length: number } | undefined {
  const digits = (base: number, max: number): { byte: number; length: number } | undefined => {
    let value = 0;
    let length = 0;
    while (length < max) {
      const d = parseInt(text[at + length] ?? "", base);
      if (Number.isNaN(d) || value * base + d > 255) break;
      value = value * base + d;
      length++;
    }
    return length === 0 ? undefined : { byte: value, length };
  };
  const c = text[at];
  if (c === undefined) return undefined;
  if (c >= "0" && c <= "7") return digits(8, 3);
  const named: Record<string, number> = { "\\": 0x5c, '"': 0x22, a: 7, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };
  if (c in named) return { byte: named[c] as number, length: 1 };
  const numeric = c === "d" ? digits(10, 3) : c === "x" ? digits(16, 2) : undefined;
  return numeric && { byte: numeric.byte, length: numeric.length + 1 };
}

/**
 * processquoted(): the text between the quotes of `quoted` as the regex stage
 * sees it (escapes resolved, glob characters still escaped).
 */
export function unquote(quoted: string): string {
  const body = quoted.startsWith('"') && quoted.endsWith('"') && quoted.length >= 2 ? quoted.slice(1, -1) : quoted;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    const escape = c === "\\" && i + 1 < body.length ? escapeSequence(body, i + 1) : undefined;
    if (!escape) {
      out += c;
      continue;
    }
    const byte = String.fromCharCode(escape.byte);
    out += GLOB_SPECIAL.includes(byte) ? "\\" + byte : byte;
    i += escape.length;
  }
  return out;
}
