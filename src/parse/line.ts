/**
 * One line of strace output, classified without any state: the prefixes
 * strace writes in its fixed order (pid, absolute time, relative time, `-n`
 * number, `-i` instruction pointer), then the body.
 */
import type { CallOutcome } from "../events/types.js";
import { unescapeC } from "./cstring.js";
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

interface PrefixScan {
  readonly pid: number | undefined;
  readonly nr: number | undefined;
  readonly body: number;
}

/** `[pid  1234] `, `[pid 1234<comm>] `, `1234 `, `1234<comm> `: the pid and the index after it. */
function scanPid(text: string): { pid: number; end: number } | undefined {
  if (text.startsWith("[pid ")) {
    const start = skipSpaces(text, 5);
    const end = skipDigits(text, start);
    const close = text.indexOf("] ", end);
    if (end === start || close < 0) return undefined;
    return { pid: Number(text.slice(start, end)), end: close + 2 };
  }
  const end = skipDigits(text, 0);
  if (end === 0) return undefined;
  const pid = Number(text.slice(0, end));
  if (pid > PID_MAX_LIMIT) return undefined;
  const next = text.charCodeAt(end);
  if (next === 0x20) return { pid, end: skipSpaces(text, end) };
  if (next !== 0x3c) return undefined;
  const close = text.indexOf("> ", end);
  return close < 0 ? undefined : { pid, end: skipSpaces(text, close + 2) };
}

const TIMESTAMP = /^(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+|\d{10,}|\(\+ *\d+\.\d+\)) +/;

/**
 * `[00007f…] ` / `[????????????????] ` (`-i`: 8 or 16 hex digits) or `[  59] ` (`-n`);
 * `-n` comes first when both are on.
 */
const BRACKETED = /^\[(?:([0-9a-f]{16}|[0-9a-f]{8}|\?+)|( *\d+))\] +/;

function scanPrefixes(text: string): PrefixScan {
  const pidScan = scanPid(text);
  let i = skipSpaces(text, pidScan === undefined ? 0 : pidScan.end);
  for (let match = TIMESTAMP.exec(text.slice(i)); match; match = TIMESTAMP.exec(text.slice(i))) {
    i += match[0].length;
  }
  let nr: number | undefined;
  for (let match = BRACKETED.exec(text.slice(i)); match; match = BRACKETED.exec(text.slice(i))) {
    if (match[2] !== undefined) nr = Number(match[2]);
    i += match[0].length;
  }
  return { pid: pidScan?.pid, nr, body: i };
}

const DURATION = / <\d+\.\d+>$/;
const ERRNO = /^-1 (?:(E[A-Z0-9_]+)|\(errno (\d+)\))/;
const RETURN_VALUE = /^-?(?:0x[0-9a-fA-F]+|\d+)$/;

/** The outcome text after a call's closing parenthesis: ` = 3</etc/passwd> <0.000011>`. */
export function parseResult(text: string): CallResult | undefined {
  let t = text.trimStart();
  if (t.charCodeAt(0) !== 0x3d) return undefined;
  t = t.slice(1).trim().replace(DURATION, "");
  const injected = t.includes("(INJECTED)");
  const delayed = t.includes("(DELAYED)");
  if (t.startsWith("?")) {
    const errno = /^\? (E[A-Z0-9_]+)/.exec(t);
    const outcome: CallResult["outcome"] = errno ? { kind: "interrupted", errno: errno[1] as string } : { kind: "unknown" };
    return { outcome, injected, delayed };
  }
  const failed = ERRNO.exec(t);
  if (failed) return { outcome: { kind: "failed", errno: (failed[1] ?? failed[2]) as string }, injected, delayed };
  let end = 0;
  while (end < t.length && t.charCodeAt(end) !== 0x20 && t.charCodeAt(end) !== 0x3c) end++;
  const value = t.slice(0, end);
  if (!RETURN_VALUE.test(value)) return undefined;
  if (t.charCodeAt(end) !== 0x3c) return { outcome: { kind: "returned", value }, injected, delayed };
  const decorationEnd = skipDecoration(t, end);
  const decoration = unescapeC(t.slice(end + 1, decorationEnd - 1));
  return { outcome: { kind: "returned", value, decoration }, injected, delayed };
}

const UNFINISHED_TAIL = / ?<(?:unfinished|detached) \.\.\.>$/;
const PID_CHANGED_TAIL = / ?<pid changed to (\d+) \.\.\.>$/;

/** Whether a call's text ends unfinished; its args without the marker and any pid move. */
function unfinishedTail(text: string): { args: string; movedTo: number | undefined } | undefined {
  if (text.charCodeAt(text.length - 1) !== 0x3e) return undefined;
  const unfinished = UNFINISHED_TAIL.exec(text);
  if (unfinished) return { args: text.slice(0, unfinished.index), movedTo: undefined };
  const changed = PID_CHANGED_TAIL.exec(text);
  if (changed) return { args: text.slice(0, changed.index), movedTo: Number(changed[1]) };
  return undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*\(/;

function parseCall(body: string, pid: number | undefined, nr: number | undefined): StraceLine {
  const name = NAME.exec(body);
  if (!name) return { kind: "unparsed", reason: "not a strace line" };
  const open = name[0].length;
  const call = { pid, nr, name: name[0].slice(0, -1) };
  const tail = unfinishedTail(body);
  if (tail) return { ...call, kind: "unfinished", args: tail.args.slice(open), movedTo: tail.movedTo };
  const close = findCloseParen(body, open);
  if (close < 0) return { kind: "unparsed", reason: "call without closing parenthesis (truncated line?)" };
  const result = parseResult(body.slice(close + 1));
  if (!result) return { kind: "unparsed", reason: "call without a return value" };
  return { ...call, kind: "call", args: body.slice(open, close), result };
}

const RESUMED = /^<\.\.\. ([A-Za-z_][A-Za-z0-9_]*) resumed>/;

function parseResumed(body: string, pid: number | undefined, nr: number | undefined): StraceLine {
  const head = RESUMED.exec(body);
  if (!head) return { kind: "unparsed", reason: "not a strace line" };
  const call = { pid, nr, name: head[1] as string };
  const rest = body.slice(head[0].length);
  const tail = unfinishedTail(rest);
  if (tail) return { ...call, kind: "resumed", args: tail.args, result: undefined, movedTo: tail.movedTo };
  const close = findCloseParen(rest, 0);
  if (close < 0) return { kind: "unparsed", reason: "resumed call without closing parenthesis" };
  const result = parseResult(rest.slice(close + 1));
  if (!result) return { kind: "unparsed", reason: "resumed call without a return value" };
  return { ...call, kind: "resumed", args: rest.slice(0, close), result, movedTo: undefined };
}

const SIGNAL = /^--- (?:stopped by (SIG[A-Z0-9_]+)|(SIG[A-Z0-9_]+)\b.*) ---$/;
const EXITED = /^\+\+\+ exited with (\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (SIG[A-Z0-9_]+)( \(core dumped\))? \+\+\+$/;
const SUPERSEDED = /^\+\+\+ superseded by execve in pid (\d+) \+\+\+$/;
const PERSONALITY = /^(?:strace: )?\[ Process PID=(\d+) runs in (64 bit|32 bit|x32) mode\. \]$/;
const STRACE_NOTE = /^strace: Process \d+ (?:attached|detached|suspended|resumed)/;
const SUMMARY_LINE = /^(?:% time +seconds|-+(?: -+)+$| *\d+\.\d+ +\d+\.\d+ +\d+ +\d+(?: +\d+)? +\S+$)/;

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
  return { kind: "unparsed", reason: "not a strace line" };
}

function parseBody(body: string, pid: number | undefined, nr: number | undefined): StraceLine {
  switch (body.charCodeAt(0)) {
    case 0x3c: // <
      return parseResumed(body, pid, nr);
    case 0x2d: // -
    case 0x2b: // +
      return parseMarker(body, pid);
    case 0x3e: // > (a -k stack frame)
      return body.startsWith("> ") ? { kind: "ignored" } : { kind: "unparsed", reason: "not a strace line" };
    default:
      return parseCall(body, pid, nr);
  }
}

/** The line stripped of `--color` escapes and a trailing CR. */
function clean(text: string): string {
  const plain = text.includes("\x1b") ? text.replace(ANSI_SGR, "") : text;
  return plain.charCodeAt(plain.length - 1) === 0x0d ? plain.slice(0, -1) : plain;
}

/** Classifies one line of strace output (without its newline). Never throws. */
export function parseLine(raw: string): StraceLine {
  const text = clean(raw);
  if (text.trim() === "") return { kind: "ignored" };
  const personality = PERSONALITY.exec(text);
  if (personality) return { kind: "personality", pid: Number(personality[1]), mode: personality[2] as PersonalityMode };
  if (STRACE_NOTE.test(text) || SUMMARY_LINE.test(text)) return { kind: "ignored" };
  const prefix = scanPrefixes(text);
  return parseBody(text.slice(prefix.body), prefix.pid, prefix.nr);
}
