/**
 * One line of strace output, classified without any state: the prefixes
 * strace writes in its fixed order (pid, absolute time, relative time, `-n`
 * number, `-i` instruction pointer), then the body.
 */
import type { CallOutcome } from "../events/types.js";
import { unescapeC } from "./cstring.js";
import { CommonLineScanner, commonLineShape, type CommonLineShape } from "./common-lines.js";
import { findCloseParen, skipDecoration } from "./scan.js";

/** How a complete call ended, as the text after `) = ` says. */
export interface CallResult {
  readonly outcome: Exclude<CallOutcome, { kind: "unfinished" }>;
  readonly injected: boolean;
  readonly delayed: boolean;
}

/** strace's personality names: `[ Process PID=N runs in 32 bit mode. ]`. */
export type PersonalityMode = "64 bit" | "32 bit" | "x32";

interface Prefixed {
  /** The pid prefix, when the line has one. */
  readonly pid: number | undefined;
}

interface CallLine extends Prefixed {
  /** The `-n` number, when printed. */
  readonly nr: number | undefined;
  readonly name: string;
  readonly args: string;
}

export type StraceLine =
  | (CallLine & { readonly kind: "call"; readonly result: CallResult })
  /** `<unfinished ...>`, `<detached ...>` or `<pid changed to N ...>` (`movedTo` N). */
  | (CallLine & { readonly kind: "unfinished"; readonly movedTo: number | undefined })
  /** `<... NAME resumed>…`: `result` undefined when it is unfinished again. */
  | (CallLine & { readonly kind: "resumed"; readonly result: CallResult | undefined; readonly movedTo: number | undefined })
  | (Prefixed & { readonly kind: "signal"; readonly signal: string; readonly stopped: boolean })
  | (Prefixed & { readonly kind: "exited"; readonly status: number })
  | (Prefixed & { readonly kind: "killed"; readonly signal: string; readonly coreDumped: boolean })
  /** `+++ superseded by execve in pid N +++`: thread N exec'ed and took over this pid. */
  | (Prefixed & { readonly kind: "superseded"; readonly oldPid: number })
  | { readonly kind: "personality"; readonly pid: number; readonly mode: PersonalityMode }
  /** Lines that carry no event: blank, `strace: Process N attached`, `-k` frames, `-C` summary tables. */
  | { readonly kind: "ignored" }
  | { readonly kind: "unparsed"; readonly reason: string };

const ANSI_SGR = /\x1b\[[0-9;]*[A-Za-z]/g;
/** Linux's largest possible pid (PID_MAX_LIMIT): longer numbers at the start are timestamps. */
const PID_MAX_LIMIT = 4194304;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 0x20) i++;
  return i;
}

function skipDigits(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x41 && c <= 0x5a);
}

interface PrefixScan {
  readonly pid: number | undefined;
  readonly nr: number | undefined;
  readonly body: number;
}

/** The number of the digits from `from` to `to`. */
function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
  return value;
}

/**
 * `[pid  1234] `, `[pid 1234<comm>] `, `1234 `, `1234<comm> `: sets the pid and
 * returns the index after it, or returns 0 (no pid prefix).
 */
function scanPid(text: string, scan: { pid: number | undefined }): number {
  if (text.startsWith("[pid ")) {
    const start = skipSpaces(text, 5);
    const end = skipDigits(text, start);
    const close = text.indexOf("] ", end);
    if (end === start || close < 0) return 0;
    scan.pid = digitsValue(text, start, end);
    return close + 2;
  }
  const end = skipDigits(text, 0);
  if (end === 0 || end > 7) return 0;
  const pid = digitsValue(text, 0, end);
  if (pid > PID_MAX_LIMIT) return 0;
  const next = text.charCodeAt(end);
  const close = next === 0x20 ? end : next === 0x3c ? text.indexOf("> ", end) + 1 : -1;
  if (close <= 0) return 0;
  scan.pid = pid;
  return skipSpaces(text, close);
}

/** `-t`, `-tt`, `-ttt`, `--timestamps=unix[,ns]`, `-r` alone, `(+ 0.000123)` after an absolute time. */
const TIMESTAMP = /(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+|\d{10,}|\(\+ *\d+\.\d+\)) +/y;

/**
 * `[00007f…] ` / `[????????????????] ` (`-i`: 8 or 16 hex digits) or `[  59] ` (`-n`);
 * `-n` comes first when both are on.
 */
const BRACKETED = /\[(?:([0-9a-f]{16}|[0-9a-f]{8}|\?+)|( *\d+))\] +/y;

function scanPrefixes(text: string): PrefixScan {
  const scan: { pid: number | undefined; nr: number | undefined; body: number } = { pid: undefined, nr: undefined, body: 0 };
  let i = skipSpaces(text, scanPid(text, scan));
  let c = text.charCodeAt(i);
  while (isDigit(c) || c === 0x28) {
    TIMESTAMP.lastIndex = i;
    if (!TIMESTAMP.test(text)) break;
    i = TIMESTAMP.lastIndex;
    c = text.charCodeAt(i);
  }
  while (c === 0x5b) {
    BRACKETED.lastIndex = i;
    const match = BRACKETED.exec(text);
    if (!match) break;
    if (match[2] !== undefined) scan.nr = Number(match[2]);
    i = BRACKETED.lastIndex;
    c = text.charCodeAt(i);
  }
  scan.body = i;
  return scan;
}

/** The end of the result text without a `-T` duration (` <0.000012>`). */
function withoutDuration(text: string): number {
  let i = text.length - 1;
  if (text.charCodeAt(i) !== 0x3e) return text.length;
  i--;
  let dots = 0;
  for (let c = text.charCodeAt(i); isDigit(c) || c === 0x2e; c = text.charCodeAt(--i)) if (c === 0x2e) dots++;
  return dots === 1 && text.charCodeAt(i) === 0x3c && text.charCodeAt(i - 1) === 0x20 ? i - 1 : text.length;
}

function endsWithAt(text: string, end: number, suffix: string): boolean {
  return text.startsWith(suffix, end - suffix.length);
}

/** The index after an errno symbol (`ENOENT`, `ERESTARTSYS`) at `i`, or `i`. */
function skipErrno(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x45) return i;
  let end = i + 1;
  while (isNameChar(text.charCodeAt(end))) end++;
  return end;
}

function isReturnValue(text: string, from: number, to: number): boolean {
  let i = text.charCodeAt(from) === 0x2d ? from + 1 : from;
  if (i >= to) return false;
  if (text.startsWith("0x", i) && to > i + 2) {
    for (i += 2; i < to; i++) {
      const c = text.charCodeAt(i) | 0x20;
      if (!(isDigit(c) || (c >= 0x61 && c <= 0x66))) return false;
    }
    return true;
  }
  return skipDigits(text, i) === to;
}

/**
 * The outcome text after a call's closing parenthesis at `from`:
 * ` = 3</etc/passwd> (INJECTED) <0.000011>`.
 */
function parseResult(text: string, from: number): CallResult | undefined {
  let i = skipSpaces(text, from);
  if (text.charCodeAt(i) !== 0x3d) return undefined;
  i = skipSpaces(text, i + 1);
  let end = withoutDuration(text);
  let injected = false;
  let delayed = false;
  for (;;) {
    if (endsWithAt(text, end, " (INJECTED)")) (injected = true), (end -= 11);
    else if (endsWithAt(text, end, " (DELAYED)")) (delayed = true), (end -= 10);
    else break;
  }
  const c = text.charCodeAt(i);
  if (c === 0x3f) {
    // `= ?` or `= ? ERESTARTSYS (…)`
    const errnoEnd = text.charCodeAt(i + 1) === 0x20 ? skipErrno(text, i + 2) : i + 2;
    const outcome: CallResult["outcome"] =
      errnoEnd > i + 2 ? { kind: "interrupted", errno: text.slice(i + 2, errnoEnd) } : { kind: "unknown" };
    return { outcome, injected, delayed };
  }
  if (c === 0x2d && text.startsWith("-1 ", i)) {
    const errnoEnd = skipErrno(text, i + 3);
    if (errnoEnd > i + 3) return { outcome: { kind: "failed", errno: text.slice(i + 3, errnoEnd) }, injected, delayed };
    const numbered = /^\(errno (\d+)\)/.exec(text.slice(i + 3, end));
    if (numbered) return { outcome: { kind: "failed", errno: numbered[1] as string }, injected, delayed };
  }
  let valueEnd = i;
  for (let v = text.charCodeAt(i); valueEnd < end && v !== 0x20 && v !== 0x3c; v = text.charCodeAt(++valueEnd));
  if (!isReturnValue(text, i, valueEnd)) return undefined;
  const value = text.slice(i, valueEnd);
  if (text.charCodeAt(valueEnd) !== 0x3c) return { outcome: { kind: "returned", value }, injected, delayed };
  const decorationEnd = skipDecoration(text, valueEnd);
  const decoration = unescapeC(text.slice(valueEnd + 1, decorationEnd - 1));
  return { outcome: { kind: "returned", value, decoration }, injected, delayed };
}

const UNFINISHED_TAIL = / ?<(?:unfinished|detached) \.\.\.>$/;
const PID_CHANGED_TAIL = / ?<pid changed to (\d+) \.\.\.>$/;

/** Whether a call ends unfinished: the end of its args before the marker, and any pid move. */
function unfinishedTail(text: string): { argsEnd: number; movedTo: number | undefined } | undefined {
  if (!text.endsWith("...>")) return undefined;
  const unfinished = UNFINISHED_TAIL.exec(text);
  if (unfinished) return { argsEnd: unfinished.index, movedTo: undefined };
  const changed = PID_CHANGED_TAIL.exec(text);
  if (changed) return { argsEnd: changed.index, movedTo: Number(changed[1]) };
  return undefined;
}

const NOT_STRACE: StraceLine = { kind: "unparsed", reason: "not a strace line" };

// Lines are built as literals, not spreads (object spread is slow in V8), and
// scanned by index, without slicing, on this hot path.
function parseCall(text: string, start: number, pid: number | undefined, nr: number | undefined): StraceLine {
  let open = start;
  while (isNameChar(text.charCodeAt(open))) open++;
  if (open === start || text.charCodeAt(open) !== 0x28 || isDigit(text.charCodeAt(start))) return NOT_STRACE;
  const name = text.slice(start, open);
  const tail = unfinishedTail(text);
  if (tail) return { kind: "unfinished", pid, nr, name, args: text.slice(open + 1, tail.argsEnd), movedTo: tail.movedTo };
  const close = findCloseParen(text, open + 1);
  if (close < 0) return { kind: "unparsed", reason: "call without closing parenthesis (truncated line?)" };
  const result = parseResult(text, close + 1);
  if (!result) return { kind: "unparsed", reason: "call without a return value" };
  return { kind: "call", pid, nr, name, args: text.slice(open + 1, close), result };
}

const RESUMED = /<\.\.\. ([A-Za-z_][A-Za-z0-9_]*) resumed>/y;

function parseResumed(text: string, start: number, pid: number | undefined, nr: number | undefined): StraceLine {
  RESUMED.lastIndex = start;
  const head = RESUMED.exec(text);
  if (!head) return NOT_STRACE;
  const name = head[1] as string;
  const from = RESUMED.lastIndex;
  const tail = unfinishedTail(text);
  if (tail && tail.argsEnd >= from) {
    return { kind: "resumed", pid, nr, name, args: text.slice(from, tail.argsEnd), result: undefined, movedTo: tail.movedTo };
  }
  const close = findCloseParen(text, from);
  if (close < 0) return { kind: "unparsed", reason: "resumed call without closing parenthesis" };
  const result = parseResult(text, close + 1);
  if (!result) return { kind: "unparsed", reason: "resumed call without a return value" };
  return { kind: "resumed", pid, nr, name, args: text.slice(from, close), result, movedTo: undefined };
}

const SIGNAL = /^--- (?:stopped by (SIG[A-Z0-9_]+)|(SIG[A-Z0-9_]+)\b.*) ---$/;
const EXITED = /^\+\+\+ exited with (\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (SIG[A-Z0-9_]+)( \(core dumped\))? \+\+\+$/;
const SUPERSEDED = /^\+\+\+ superseded by execve in pid (\d+) \+\+\+$/;
const PERSONALITY = /^(?:strace: )?\[ Process PID=(\d+) runs in (64 bit|32 bit|x32) mode\. \]$/;
const STRACE_NOTE = /^strace: Process \d+ (?:attached|detached|suspended|resumed)/;
const SUMMARY_LINE = /^(?:% time +seconds|-+(?: -+)+$| *\d+\.\d+ +\d+\.\d+ +\d+ +\d+(?: +\d+)? +\S+$)/;
/** `-e write=FD` / `-e read=FD` hex dumps: ` | 00000  50 61 63 6b  …  PackageKit.X11.a |`. */
const DUMP_LINE = /^ \| [0-9a-f]{5,} /;

function parseMarker(body: string, pid: number | undefined): StraceLine {
  const signal = SIGNAL.exec(body);
  if (signal) {
    const stopped = signal[1] !== undefined;
    return { kind: "signal", pid, signal: (signal[1] ?? signal[2]) as string, stopped };
  }
  const exited = EXITED.exec(body);
  if (exited) return { kind: "exited", pid, status: Number(exited[1]) };
  const killed = KILLED.exec(body);
  if (killed) return { kind: "killed", pid, signal: killed[1] as string, coreDumped: killed[2] !== undefined };
  const superseded = SUPERSEDED.exec(body);
  if (superseded) return { kind: "superseded", pid, oldPid: Number(superseded[1]) };
  return NOT_STRACE;
}

function parseBody(text: string, start: number, pid: number | undefined, nr: number | undefined): StraceLine {
  switch (text.charCodeAt(start)) {
    case 0x3c: // <
      return parseResumed(text, start, pid, nr);
    case 0x2d: // -
    case 0x2b: // +
      return parseMarker(text.slice(start), pid);
    case 0x3e: // > (a -k stack frame)
      return text.startsWith("> ", start) ? { kind: "ignored" } : NOT_STRACE;
    default:
      return parseCall(text, start, pid, nr);
  }
}

/**
 * Lines strace writes besides the trace proper: personality changes (with a pid
 * prefix when strace writes to stderr), notes, `-C` summaries, data dumps.
 */
function parseOther(text: string, body: string): StraceLine | undefined {
  const personality = PERSONALITY.exec(body);
  if (personality) return { kind: "personality", pid: Number(personality[1]), mode: personality[2] as PersonalityMode };
  if (STRACE_NOTE.test(text) || SUMMARY_LINE.test(text) || DUMP_LINE.test(text)) return { kind: "ignored" };
  return undefined;
}

const UNKNOWN_RESULT: CallResult = { outcome: { kind: "unknown" }, injected: false, delayed: false };

/** The end of the line at `i`: the index of its LF, or the text's end. */
export function lineEnd(text: string, i: number): number {
  const lf = text.indexOf("\n", i);
  return lf < 0 ? text.length : lf;
}

/** A common result (`?`, `N`, `0xN` or `-1 ERRNO`, see common-lines.c) from `i` to `end`. */
function commonResult(text: string, i: number, end: number): CallResult {
  if (text.charCodeAt(i) === 0x3f) return UNKNOWN_RESULT;
  if (text.startsWith("-1 ", i)) return { outcome: { kind: "failed", errno: text.slice(i + 3, end) }, injected: false, delayed: false };
  return { outcome: { kind: "returned", value: text.slice(i, end) }, injected: false, delayed: false };
}

const SHAPE = commonLineShape();
/** The scanner of lines parsed one by one (a reader going through a text's records has its own). */
const SCANNER = new CommonLineScanner();

/**
 * The line of a common shape whose parts `shape` holds, `text` its text (the
 * shape's indexes less `offset`: for a line scanned in a text of many), read
 * without the general path's prefix regexes and result parsing. The general
 * path reads it the same.
 */
export function commonLine(text: string, shape: CommonLineShape, offset: number): StraceLine {
  const { kind, pid, nr } = shape;
  const name = text.slice(shape.nameStart - offset, shape.nameEnd - offset);
  const args = text.slice(shape.argsStart - offset, shape.argsEnd - offset);
  if (kind === "unfinished") return { kind, pid, nr, name, args, movedTo: undefined };
  const resultEnd = shape.resultEnd - offset;
  // A `-y` decoration after the value is the general path's to read.
  const result =
    text.charCodeAt(resultEnd) === 0x3c ? (parseResult(text, shape.argsEnd - offset + 1) as CallResult) : commonResult(text, shape.resultStart - offset, resultEnd);
  return kind === "resumed" ? { kind, pid, nr, name, args, result, movedTo: undefined } : { kind, pid, nr, name, args, result };
}

/** A line of a common shape (see commonLine), or undefined for any other line. */
export function parseCommonLine(text: string): StraceLine | undefined {
  return SCANNER.scanOne(text, SHAPE) ? commonLine(text, SHAPE, 0) : undefined;
}

/** The line stripped of `--color` escapes and a trailing CR. */
function clean(text: string): string {
  const plain = text.indexOf("\x1b") >= 0 ? text.replace(ANSI_SGR, "") : text;
  return plain.charCodeAt(plain.length - 1) === 0x0d ? plain.slice(0, -1) : plain;
}

/** Classifies one line of strace output (without its newline), of any shape. Never throws. */
export function parseAnyLine(raw: string): StraceLine {
  const text = clean(raw);
  const prefix = scanPrefixes(text);
  if (prefix.body === text.length) return { kind: "ignored" };
  const line = parseBody(text, prefix.body, prefix.pid, prefix.nr);
  return line.kind === "unparsed" ? (parseOther(text, text.slice(prefix.body)) ?? line) : line;
}

/** Classifies one line of strace output (without its newline): the common shapes first, fast. Never throws. */
export function parseLine(raw: string): StraceLine {
  return parseCommonLine(raw) ?? parseAnyLine(raw);
}
