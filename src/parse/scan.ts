/**
 * Character-level scanning of strace's argument syntax: quoted strings, nested
 * `(…)`/`[…]`/`{…}`, `/* comments *\/` and `-y` decorations (`3</etc/passwd>`,
 * `3<TCP:[127.0.0.1:80->127.0.0.1:5000]>`, `0</dev/pts/0<char 136:0>>`).
 * Every function returns an index; none allocates or throws.
 */

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const STAR = 0x2a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Index just past the closing quote of the string opening at `start`, or text.length. */
function skipString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return text.length;
}

/** Index just past the `*\/` closing the comment opening at `start`, or text.length. */
function skipComment(text: string, start: number): number {
  const end = text.indexOf("*/", start + 2);
  return end < 0 ? text.length : end + 2;
}

/** A path decoration with no decoration inside (most are): it ends at its first `>` not escaped. */
const PLAIN_PATH_DECORATION = /<\/[^<>\\]*(?:\\.[^<>\\]*)*>/y;

/**
 * Index just past the `>` closing the decoration opening at `start` (a `<`).
 * Paths escape `<` and `>` (`\74`, `\76`), so a bare `<` nests (`-yy` device
 * decorations); socket decorations (`TCP:[a->b]`) hold `>` inside brackets.
 */
export function skipDecoration(text: string, start: number): number {
  const isPath = text.charCodeAt(start + 1) === SLASH;
  if (isPath) {
    PLAIN_PATH_DECORATION.lastIndex = start;
    if (PLAIN_PATH_DECORATION.test(text)) return PLAIN_PATH_DECORATION.lastIndex;
  }
  let depth = 0;
  let brackets = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (!isPath && c === QUOTE) i = skipString(text, i) - 1;
    else if (!isPath && c === OPEN_BRACKET) brackets++;
    else if (!isPath && c === CLOSE_BRACKET) brackets--;
    else if (brackets > 0) continue;
    else if (c === LT) depth++;
    else if (c === GT && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Whether `<` at `i` opens a decoration: it follows an fd (`3<`, `AT_FDCWD<`) and is no shift (`1<<CAP_CHOWN`). */
function opensDecoration(text: string, i: number): boolean {
  if (i === 0 || text.charCodeAt(i + 1) === LT) return false;
  const c = text.charCodeAt(i - 1);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Skips one syntactic unit at `i` (string, comment, decoration) and returns the
 * index after it, or returns `i` when the character there is ordinary.
 */
function skipUnit(text: string, i: number, c: number): number {
  if (c === QUOTE) return skipString(text, i);
  if (c === SLASH && text.charCodeAt(i + 1) === STAR) return skipComment(text, i);
  if (c === LT && opensDecoration(text, i)) return skipDecoration(text, i);
  return i;
}

/** What a character is to the bracket scanners: most are ordinary (0). */
const enum CharClass {
  Ordinary = 0,
  Open = 1,
  Close = 2,
  /** A quote, a slash or a `<`: it may start a string, a comment or a decoration. */
  Unit = 3,
  Comma = 4,
}

const CHAR_CLASS = new Uint8Array(128);
for (const c of [OPEN_PAREN, OPEN_BRACKET, OPEN_BRACE]) CHAR_CLASS[c] = CharClass.Open;
for (const c of [CLOSE_PAREN, CLOSE_BRACKET, CLOSE_BRACE]) CHAR_CLASS[c] = CharClass.Close;
for (const c of [QUOTE, SLASH, LT]) CHAR_CLASS[c] = CharClass.Unit;
CHAR_CLASS[COMMA] = CharClass.Comma;

function classOf(c: number): number {
  return c < 128 ? (CHAR_CLASS[c] as number) : CharClass.Ordinary;
}

/**
 * What findCloseParen's loop passes over unchanged, as one regular expression:
 * runs of ordinary characters between strings, comments, a `/` alone and
 * bracketed groups of the same (six deep), with no `<` (a decoration, left to
 * the loop). Its compiled code reads a line several
 * times faster than the loop. Every unit starts with a character no run or
 * other unit does, so a line splits into them one way only: a failing group
 * backtracks in linear time.
 */
const PLAIN_UNITS = (() => {
  const run = String.raw`[^"()[\]{}/<\n]*`;
  const string = String.raw`"[^"\\\n]*(?:\\.[^"\\\n]*)*"`;
  const comment = String.raw`/\*[^*\n]*(?:\*(?!/)[^*\n]*)*\*/`;
  const units = (group: string) => `${run}(?:(?:${string}|${comment}|/(?!\\*)${group})${run})*`;
  let plain = units("");
  for (let depth = 0; depth < 6; depth++) plain = units(String.raw`|[([{]${plain}[)\]}]`);
  return new RegExp(plain, "y");
})();
/** Longer lines are left to the loop: the expression's backtracking stack grows with them and overflows at megabytes. */
const PLAIN_UNITS_MAX_CHARS = 64 * 1024;

/**
 * The index of the `)` that closes an argument list, scanning from `start`
 * with one bracket open (just after `name(` or `<... resumed>`), or -1 when
 * the line ends first: the general parser's (common-lines.c scans the
 * common lines alike). PLAIN_UNITS skips what it can, then the loop goes on
 * where it stopped, an ordinary character costing one table lookup.
 */
export function findCloseParen(text: string, start: number): number {
  let from = start;
  if (text.length - start <= PLAIN_UNITS_MAX_CHARS) {
    PLAIN_UNITS.lastIndex = start;
    PLAIN_UNITS.test(text);
    from = PLAIN_UNITS.lastIndex;
  }
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = classOf(c);
    if (k === CharClass.Ordinary || k === CharClass.Comma) continue;
    if (k === CharClass.Open) depth++;
    else if (k === CharClass.Close) {
      if (--depth === 0) return c === CLOSE_PAREN ? i : -1;
    } else {
      const next = skipUnit(text, i, c);
      if (next !== i) i = next - 1;
    }
  }
  return -1;
}

/** What splitArgs passes over at once: anything but commas, brackets and what may start a unit. */
const ORDINARY_RUN = /[^,()[\]{}"/<]*/y;

const SPACE = 0x20;

/** Whether `trim` may remove the character with code `c` (whitespace is at most 0x20, 0xa0, or from 0x1680 on). */
function mayBeWhitespace(c: number): boolean {
  return c <= SPACE || c === 0xa0 || c >= 0x1680;
}

/** `text.slice(from, to).trim()`, with one string made for the usual `, next` argument. */
function trimmedSlice(text: string, from: number, to: number): string {
  while (from < to && text.charCodeAt(from) === SPACE) from++;
  const slice = text.slice(from, to);
  return from < to && (mayBeWhitespace(text.charCodeAt(from)) || mayBeWhitespace(text.charCodeAt(to - 1))) ? slice.trim() : slice;
}

/** Splits an argument list (or a struct's fields) at its top-level commas, trimmed. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    ORDINARY_RUN.lastIndex = i;
    ORDINARY_RUN.test(text);
    i = ORDINARY_RUN.lastIndex;
    if (i >= text.length) break;
    const c = text.charCodeAt(i);
    const k = classOf(c);
    if (k === CharClass.Open) depth++;
    else if (k === CharClass.Close) depth--;
    else if (k === CharClass.Comma) {
      if (depth === 0) {
        args.push(trimmedSlice(text, from, i));
        from = i + 1;
      }
    } else {
      const next = skipUnit(text, i, c);
      if (next !== i) i = next - 1;
    }
  }
  const last = trimmedSlice(text, from, text.length);
  if (last !== "" || args.length > 0) args.push(last);
  return args;
}
