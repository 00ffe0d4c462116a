/**
 * Numeric argument values as strace prints them: `123`, `-1`, `0x1f`, `0644`,
 * `O_RDONLY|O_CLOEXEC`, `0x1200000|17` (`-X raw`), `0x3 /* PROT_READ|PROT_WRITE *\/`
 * (`-X verbose`), `htons(80)`, `21<<MAP_HUGE_SHIFT`.
 */
import type { ConstantTable } from "./constants.js";

const TWO_32 = 2 ** 32;

/** Bitwise OR of non-negative integers up to 2^53 (JS `|` stops at 32 bits). */
function orBits(a: number, b: number): number {
  const high = (Math.floor(a / TWO_32) | Math.floor(b / TWO_32)) >>> 0;
  const low = ((a >>> 0) | (b >>> 0)) >>> 0;
  return high * TWO_32 + low;
}

const NUMBER = /^-?(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i;

function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  const value =
    digits.length > 1 && digits[0] === "0"
      ? digits[1] === "x" || digits[1] === "X"
        ? parseInt(digits.slice(2), 16)
        : parseInt(digits.slice(1), 8)
      : parseInt(digits, 10);
  return negative ? -value : value;
}

function byteSwap(value: number, bytes: 2 | 4): number {
  let swapped = 0;
  for (let i = 0; i < bytes; i++) swapped = swapped * 256 + (Math.floor(value / 256 ** i) % 256);
  return swapped;
}

/** One operand of an OR: a number, a symbol, `htons(…)`/`htonl(…)`, `N<<SYMBOL`. */
function evalTerm(term: string, table: ConstantTable): number | undefined {
  const number = parseNumber(term);
  if (number !== undefined) return number;
  if (Object.hasOwn(table, term)) return table[term];
  const call = /^(htons|htonl)\((.*)\)$/.exec(term);
  if (call) {
    const inner = evalTerm((call[2] as string).trim(), table);
    return inner === undefined ? undefined : byteSwap(inner, call[1] === "htons" ? 2 : 4);
  }
  const shift = term.indexOf("<<");
  if (shift > 0) {
    const base = evalTerm(term.slice(0, shift), table);
    const by = evalTerm(term.slice(shift + 2), table);
    return base === undefined || by === undefined ? undefined : base * 2 ** by;
  }
  return undefined;
}

/** strace's comments (`0x3 /* PROT_READ|PROT_WRITE *\/`, `htons(0 /* ETH_P_??? *\/)`) never nest. */
const COMMENT = /\/\*.*?(?:\*\/|$)/g;

function evaluate(text: string, table: ConstantTable): number | undefined {
  const expr = (text.includes("/*") ? text.replace(COMMENT, "") : text).trim();
  if (expr === "") return undefined;
  if (!expr.includes("|")) return evalTerm(expr, table);
  let value = 0;
  for (const term of expr.split("|")) {
    const termValue = evalTerm(term.trim(), table);
    if (termValue === undefined || termValue < 0) return undefined;
    value = orBits(value, termValue);
  }
  return value;
}

/** Traces repeat the same few flag sets millions of times; the cache stops growing at this size. */
const CACHE_LIMIT = 4096;
const cache = new WeakMap<ConstantTable, Map<string, number | undefined>>();

/**
 * The value of a numeric argument, or undefined when it holds a symbol `table`
 * does not know (or is not a number at all: a string, a struct, `NULL`).
 */
export function evalNumeric(text: string, table: ConstantTable): number | undefined {
  let known = cache.get(table);
  if (known === undefined) cache.set(table, (known = new Map()));
  const cached = known.get(text);
  if (cached !== undefined || known.has(text)) return cached;
  const value = evaluate(text, table);
  if (known.size < CACHE_LIMIT) known.set(text, value);
  return value;
}

/** A 32-bit register value read as the C `int` it holds (`0xffffff9c` under `-e raw=all` is AT_FDCWD). */
export function asInt32(value: number): number {
  return value >= 2 ** 31 && value < TWO_32 ? value - TWO_32 : value;
}
