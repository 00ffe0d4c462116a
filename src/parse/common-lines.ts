/**
 * The lines of the common shapes (see wasm/common-lines.c), found in a whole
 * text at once by a WebAssembly module: nearly every line of a large trace,
 * scanned several times faster than JavaScript scans it. The general parser
 * (line.ts) reads every other line, and reads these the same way.
 */
import { isAscii } from "node:buffer";
import { COMMON_LINES_WASM } from "./wasm/common-lines.wasm.js";

/** Where the parts of a line of a common shape are: indexes into the text it was scanned in. */
export interface CommonLineShape {
  kind: "call" | "unfinished" | "resumed";
  /** The pid prefix, when the line has one. */
  pid: number | undefined;
  /** The `-n` number, when printed. */
  nr: number | undefined;
  nameStart: number;
  nameEnd: number;
  argsStart: number;
  argsEnd: number;
  /** The result's value or errno (calls and resumed calls; -1 for an unfinished call). */
  resultStart: number;
  resultEnd: number;
  /** The scanner's number for the name, the same for every line of its name (-1 past the names it numbers). */
  nameId: number;
}

/**
 * The lines of a run scanned ahead by another scanner (on another thread):
 * their records, and what StraceParser.lines otherwise checks of the run itself.
 */
export interface ScannedLines {
  readonly records: Int32Array;
  readonly count: number;
  /** No `--color` escape in the run. */
  readonly plain: boolean;
  readonly ascii: boolean;
  /** Whose numbers the records' name numbers are: one object for all the runs one scanner scanned. */
  readonly numbering: object;
}

/** A shape to scan lines into. */
export function commonLineShape(): CommonLineShape {
  return { kind: "call", pid: undefined, nr: undefined, nameStart: 0, nameEnd: 0, argsStart: 0, argsEnd: 0, resultStart: -1, resultEnd: -1, nameId: -1 };
}

/** A record's ints, as common-lines.c writes them. */
const enum Field {
  End,
  Kind,
  Pid,
  Nr,
  NameStart,
  NameEnd,
  ArgsStart,
  ArgsEnd,
  ResultStart,
  ResultEnd,
  NameId,
}
const RECORD_INTS = 11;
const KINDS = [undefined, "call", "unfinished", "resumed"] as const;
/** Records per scan. */
const CAPACITY = 4096;
const PAGE_BYTES = 65536;

/** What is used here of Node's WebAssembly, which @types/node 20 does not declare. */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: unknown;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}

const MODULE = new WebAssembly.Module(Buffer.from(COMMON_LINES_WASM, "base64"));

interface ScannerExports {
  readonly memory: WebAssembly.Memory;
  scan_lines(bytes: number, length: number, from: number, records: number, capacity: number): number;
  heap_base(): number;
  /** How many zero bytes a text needs before and after it. */
  padding(): number;
}

const encoder = new TextEncoder();
const ESCAPE = 0x1b;

/**
 * Scans the lines of one text after another (`load`, then `scan` from line
 * to line). Each has its own memory: a reader that parses a line apart while
 * it goes through a text's records uses another scanner for it.
 */
export class CommonLineScanner {
  private readonly exports: ScannerExports;
  private readonly recordsAt: number;
  private readonly padding: number;
  /** Where texts go: after the records, and zero bytes never written. */
  private readonly textAt: number;
  private records = new Int32Array(0);
  private length = 0;

  constructor() {
    this.exports = new WebAssembly.Instance(MODULE).exports as ScannerExports;
    this.recordsAt = this.exports.heap_base();
    this.padding = this.exports.padding();
    this.textAt = this.recordsAt + CAPACITY * RECORD_INTS * 4 + this.padding;
    this.reserve(0);
  }

  /** Grows the memory to hold a text of `length` bytes and its padding (a memory grown has a new buffer: the records' view follows). */
  private reserve(length: number): void {
    const { memory } = this.exports;
    const missing = this.textAt + length + this.padding - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
    if (this.records.buffer !== memory.buffer) this.records = new Int32Array(memory.buffer, this.recordsAt, CAPACITY * RECORD_INTS);
  }

  /**
   * Takes `text` to scan; false when it cannot be: a character beyond ASCII
   * (indexes into its UTF-8 bytes would not be its own) or a `--color` escape
   * (the general parser removes them). Its lines are then all the general parser's.
   */
  load(text: string): boolean {
    if (text.includes("\x1b")) return false;
    const { read, written } = encoder.encodeInto(text, this.place(text.length));
    return read === text.length && written === text.length;
  }

  /**
   * Scans all the lines of `bytes` (lines of UTF-8, or any ASCII-compatible
   * bytes: the records' indexes are byte offsets), giving `visit` the records
   * of each scan: `count` lines, the first starting at `start`. Whether the
   * records may be read as the lines' text says is the run's kind (runKind).
   */
  scanBytes(bytes: Uint8Array, visit: (records: Int32Array, count: number, start: number) => void): void {
    this.place(bytes.length).set(bytes);
    for (let start = 0; start < bytes.length; ) {
      const count = this.scan(start);
      visit(this.records, count, start);
      start = this.end(count - 1) + 1;
    }
  }

  /** The memory for a text of `length` bytes, its padding zeroed. */
  private place(length: number): Uint8Array {
    this.reserve(length);
    this.length = length;
    const bytes = new Uint8Array(this.exports.memory.buffer, this.textAt, length + this.padding);
    bytes.fill(0, length);
    return bytes;
  }

  /** Scans the loaded lines from `from` (a line start); returns how many it scanned (at most CAPACITY, 0 at the end). */
  scan(from: number): number {
    return this.exports.scan_lines(this.textAt, this.length, from, this.recordsAt, CAPACITY);
  }

  /** The records of the last scan (see recordEnd and recordShape); a view of the memory, good until the next load. */
  get scanned(): Int32Array {
    return this.records;
  }

  /** The end of the line of record `index` of the last scan: its LF, or the text's end. */
  end(index: number): number {
    return recordEnd(this.records, index);
  }

  /** Whether `text` is one line (no LF) of a common shape; where its parts are put in `shape`. */
  scanOne(text: string, shape: CommonLineShape): boolean {
    return this.load(text) && this.scan(0) === 1 && this.end(0) === text.length && recordShape(this.records, 0, shape);
  }
}

/**
 * What a reader of a run's scanned lines must know besides their records:
 * `plain`, no `--color` escape (the general parser removes them, so a line
 * holding one is its); `ascii`, every byte ASCII (beyond, a line's byte
 * offsets are not its text's, and the general parser reads it).
 */
export function runKind(bytes: Uint8Array): { readonly plain: boolean; readonly ascii: boolean } {
  const plain = !bytes.includes(ESCAPE);
  return { plain, ascii: plain && isAscii(bytes) };
}

/** The ints of the first `count` records of `records`, as a scan writes them. */
export function recordInts(count: number): number {
  return count * RECORD_INTS;
}

/** The end of the line of record `index`: its LF, or the text's end. */
export function recordEnd(records: Int32Array, index: number): number {
  return records[index * RECORD_INTS + Field.End] as number;
}

/** Puts where the parts of the line of record `index` are in `shape`; false when it is of no common shape. */
export function recordShape(records: Int32Array, index: number, shape: CommonLineShape): boolean {
  const at = index * RECORD_INTS;
  const kind = KINDS[records[at + Field.Kind] as number];
  if (kind === undefined) return false;
  const pid = records[at + Field.Pid] as number;
  const nr = records[at + Field.Nr] as number;
  shape.kind = kind;
  shape.pid = pid < 0 ? undefined : pid;
  shape.nr = nr < 0 ? undefined : nr;
  shape.nameStart = records[at + Field.NameStart] as number;
  shape.nameEnd = records[at + Field.NameEnd] as number;
  shape.argsStart = records[at + Field.ArgsStart] as number;
  shape.argsEnd = records[at + Field.ArgsEnd] as number;
  shape.resultStart = records[at + Field.ResultStart] as number;
  shape.resultEnd = records[at + Field.ResultEnd] as number;
  shape.nameId = records[at + Field.NameId] as number;
  return true;
}
