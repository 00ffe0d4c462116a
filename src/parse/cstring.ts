/**
 * strace's C-string syntax: `"…"` with `\n`, `\t`, `\"`, `\\`, octal `\ooo`
 * and hex `\xNN` escapes (`-x`, `-xx`), truncated strings ending `"…"...`.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  t: 0x09,
  r: 0x0d,
  v: 0x0b,
  f: 0x0c,
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  '"': 0x22,
  "\\": 0x5c,
  "'": 0x27,
};

const UTF8 = new TextDecoder("utf-8");
const BACKSLASH = 0x5c;

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "7";
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/**
 * The bytes a string body (between the quotes) stands for: the text between
 * escapes as UTF-8, each escape as its byte (an unknown one keeps its
 * backslash). Never longer than the body's UTF-8.
 */
function unescapeBytes(body: string): Uint8Array {
  const bytes = Buffer.alloc(Buffer.byteLength(body));
  let length = 0;
  for (let i = 0; i < body.length; ) {
    const slash = body.indexOf("\\", i);
    const textEnd = slash < 0 ? body.length : slash;
    if (textEnd > i) length += bytes.write(body.slice(i, textEnd), length);
    if (slash < 0) break;
    const e = body[slash + 1];
    if (e === "x" && isHex(body[slash + 2])) {
      const digits = isHex(body[slash + 3]) ? 2 : 1;
      bytes[length++] = parseInt(body.slice(slash + 2, slash + 2 + digits), 16);
      i = slash + 2 + digits;
    } else if (isOctal(e)) {
      let end = slash + 2;
      while (end < slash + 4 && isOctal(body[end])) end++;
      bytes[length++] = parseInt(body.slice(slash + 1, end), 8) & 0xff;
      i = end;
    } else if (e !== undefined && e in SIMPLE_ESCAPES) {
      bytes[length++] = SIMPLE_ESCAPES[e] as number;
      i = slash + 2;
    } else {
      bytes[length++] = BACKSLASH;
      i = slash + 1;
    }
  }
  return bytes.subarray(0, length);
}

/** The text of an escaped body, decoded as UTF-8 (what the kernel got as bytes). */
export function unescapeC(body: string): string {
  return body.includes("\\") ? UTF8.decode(unescapeBytes(body)) : body;
}

/** The bytes of a string argument, or undefined when `arg` is not a complete quoted string. */
export function parseCStringBytes(arg: string): Uint8Array | undefined {
  if (arg.length < 2 || arg[0] !== '"' || arg[arg.length - 1] !== '"') return undefined;
  return unescapeBytes(arg.slice(1, -1));
}

/**
 * The text of a string argument (`"/etc/passwd"`), or undefined when `arg` is
 * not a complete quoted string (a pointer under `-e raw=all`, `NULL`, or a
 * truncated `"…"...`).
 */
export function parseCString(arg: string): string | undefined {
  if (arg.length < 2 || arg[0] !== '"' || arg[arg.length - 1] !== '"') return undefined;
  return unescapeC(arg.slice(1, -1));
}
