/**
 * AppArmor path globs as JavaScript regular expressions over ByteStrings,
 * following apparmor 3.0 parser/parser_regex.c:
 *
 * - filter_slashes(): runs of `/` collapse to one (a leading `//` stays);
 * - convert_aaregex_to_pcre(): `*` is `[^/]*` and `**` is any bytes; when the
 *   stars directly follow a `/` and end the pattern or a path component
 *   (`/a/*`, `/a/**`, `/a/*​/b`) they must match at least one byte that is not
 *   `/`, so `/tmp/*` does not match `/tmp/`; `?` is one byte but `/`;
 *   `[…]`, `[^…]` are byte classes; `{a,b}` alternation nests and may have
 *   empty alternatives; `\c` is a literal c; everything else is literal.
 *
 * Variables must be expanded first (variables.ts).
 */

/** filter_slashes(): collapse runs of `/`, keeping a leading `//` (a Linux namespace prefix). */
export function filterSlashes(aare: string): string {
  const lead = /^\/\/(?!\/)/.test(aare) ? "/" : "";
  return lead + aare.replace(/\/{2,}/g, "/");
}

function literal(c: string): string {
  return "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0");
}

/** The regex source for a `[…]` class whose body starts at `at` (after `[`); returns it and the index after `]`. */
function charClass(aare: string, at: number): { source: string; end: number } {
  let i = at;
  let source = "[";
  if (aare[i] === "^") {
    source += "^";
    i++;
  }
  for (; i < aare.length && aare[i] !== "]"; i++) {
    const c = aare[i] as string;
    if (c === "\\" && i + 1 < aare.length) source += literal(aare[++i] as string);
    else if (c === "-" && source.length > 1 && aare[i + 1] !== "]") source += "-";
    else source += literal(c);
  }
  if (i >= aare.length) throw new SyntaxError(`unclosed [ in ${JSON.stringify(aare)}`);
  return { source: source + "]", end: i + 1 };
}

/** The regex source (unanchored) for an expanded AppArmor glob. Throws SyntaxError on unbalanced `[` / `{`. */
export function globSource(aare: string): string {
  let out = "";
  let lastIsSlash = false;
  let depth = 0;
  for (let i = 0; i < aare.length; i++) {
    const c = aare[i] as string;
    let slash = false;
    if (c === "\\" && i + 1 < aare.length) {
      const next = aare[++i] as string;
      out += literal(next);
      slash = next === "/";
    } else if (c === "*") {
      let end = i;
      while (aare[end] === "*") end++;
      if (lastIsSlash && (end === aare.length || aare[end] === "/")) out += "[^/]";
      if (aare[i + 1] === "*") {
        out += "[^]*";
        i++;
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const cls = charClass(aare, i + 1);
      out += cls.source;
      i = cls.end - 1;
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else {
      out += literal(c);
      slash = c === "/";
    }
    lastIsSlash = slash;
  }
  if (depth !== 0) throw new SyntaxError(`unclosed { in ${JSON.stringify(aare)}`);
  return out;
}

/** An anchored RegExp for an expanded AppArmor glob, matching whole ByteStrings. */
export function compileGlob(aare: string): RegExp {
  return new RegExp(`^${globSource(filterSlashes(aare))}$`);
}
