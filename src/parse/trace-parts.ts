/**
 * A large strace log read in parts, side by side: each part cut at a line
 * start and parsed apart (its first lines of each process deferred, see
 * StraceParser's `midTrace`), then stitched in order by one parser that reads
 * only the deferred lines, or the whole part when the state at its start
 * cannot be passed on.
 */
import { closeSync, openSync } from "node:fs";
import type { TraceEvent } from "../events/types.js";
import type { NativeArch } from "../syscalls/arch.js";
import type { DecodedKind } from "./decode.js";
import { StraceParser, pidFromFfName, type CallTally, type DeferredLine, type ParserCarry } from "./parser.js";
import { CollectionPacer } from "./collect-garbage.js";
import { checkedRuns, type FileCounts, type UnparsedPlace } from "./read-traces.js";
import { counted, fileChunks, lineRuns, lineStartFrom, type ByteRange } from "./line-runs.js";

/** One part of a strace log: its byte range, from a line start to the next part's. */
export interface TracePart extends ByteRange {
  /** The path to read. */
  readonly path: string;
  /** The input's name in events (`pos.file`). */
  readonly file: string;
  /** 0 for the part at the file's start. */
  readonly index: number;
}

export interface PartOptions {
  readonly native?: NativeArch;
  readonly decode?: ReadonlySet<DecodedKind>;
}

/** What a parser's output adds to a reading's report (lines as numbered when parsed). */
export interface OutputCounts {
  readonly counts: FileCounts;
  readonly syscalls: number;
  readonly unparsed: number;
  readonly firstUnparsed: readonly UnparsedPlace[];
}

/** What reading a part gives besides its events. Lines are numbered from the part's start. */
export interface PartEnd extends OutputCounts {
  /** See StraceParser.deferred (always defined for the part at the file's start). */
  readonly deferred: { readonly lines: readonly DeferredLine[]; readonly started: readonly number[] } | undefined;
  /** See StraceParser.carry. */
  readonly carry: ParserCarry | undefined;
}

const FIRST_UNPARSED_KEPT = 5;
/**
 * Bytes read between two turns of the event loop: the reads are synchronous,
 * and the thread that stitches parts hears of its workers' results, and gives
 * them their next parts, only in those turns.
 */
const TURN_BYTES = 4 << 20;
/** This thread's collections while it reads parts (see CollectionPacer): one per 128 MiB. */
const collections = new CollectionPacer(128 << 20);

/**
 * A file of `size` bytes in parts of about `partBytes`, each starting at a
 * line start; the last one reads to the file's end when it is read, as a
 * serial reading would of a trace strace is still writing.
 */
export function traceParts(path: string, file: string, size: number, partBytes: number): TracePart[] {
  const starts = [0];
  const fd = openSync(path, "r");
  try {
    for (let at = partBytes; at < size; at += partBytes) {
      const start = lineStartFrom(fd, Math.max(at, (starts.at(-1) as number) + 1), size);
      if (start >= size) break;
      if (start > (starts.at(-1) as number)) starts.push(start);
    }
  } finally {
    closeSync(fd);
  }
  return starts.map((start, index) => ({ path, file, index, start, end: starts[index + 1] ?? Number.POSITIVE_INFINITY }));
}

/** The parser that reads a part apart from the lines before it, counting its calls into `tally`. */
export function partParser(part: TracePart, options: PartOptions, tally: CallTally): StraceParser {
  return new StraceParser({
    file: part.file,
    native: options.native,
    pid: pidFromFfName(part.path),
    decode: options.decode,
    midTrace: part.index > 0,
    tally,
  });
}

/**
 * Counts what a parser puts out from its creation or a given moment: the events
 * it emits (`note`, which hands them on to `visit`), and the calls it counts
 * straight into its tally meanwhile (`end`).
 */
export class PartOutput {
  readonly counts: FileCounts = { lines: 0, understood: 0, firstLine: undefined };
  private syscalls = 0;
  private unparsed = 0;
  private readonly firstUnparsed: UnparsedPlace[] = [];
  private readonly summarizedBefore: number;

  constructor(
    private readonly parser: StraceParser,
    private readonly visit: (events: readonly TraceEvent[]) => void,
  ) {
    this.summarizedBefore = parser.summarized;
  }

  note(events: readonly TraceEvent[]): void {
    for (const event of events) {
      if (event.kind === "syscall") this.syscalls++;
      if (event.kind !== "unparsed") this.counts.understood++;
      else if (this.unparsed++ < FIRST_UNPARSED_KEPT) this.firstUnparsed.push({ pos: event.pos, reason: event.reason });
    }
    this.visit(events);
  }

  end(): OutputCounts {
    // Calls the parser counted into its tally or summarized by brief events made no events of their own.
    const summarized = this.parser.summarized - this.summarizedBefore;
    const counts = { ...this.counts, understood: this.counts.understood + summarized };
    return { counts, syscalls: this.syscalls + summarized, unparsed: this.unparsed, firstUnparsed: this.firstUnparsed };
  }
}

/**
 * Reads a part with `parser`, its lines numbered from `firstLine`, giving its
 * events to `visit` in batches and the bytes read to `onBytes`. Without
 * `parser.end()`: the part's pending calls stay in the parser (and its carry).
 */
export async function readPart(
  part: TracePart,
  parser: StraceParser,
  firstLine: number,
  visit: (events: readonly TraceEvent[]) => void,
  onBytes: (bytes: number) => void,
): Promise<PartEnd> {
  const output = new PartOutput(parser, visit);
  const chunks = counted(fileChunks(part.path, part), onBytes);
  let lineNo = firstLine;
  let sinceTurn = 0;
  for await (const { bytes } of checkedRuns(part.file, lineRuns(chunks), output.counts, part.index === 0)) {
    const out: TraceEvent[] = [];
    const lines = parser.lines(bytes, lineNo, out);
    lineNo += lines;
    output.counts.lines += lines;
    output.note(out);
    await collections.read(bytes.length);
    if ((sinceTurn += bytes.length) >= TURN_BYTES) {
      sinceTurn = 0;
      await new Promise(setImmediate);
    }
  }
  return { ...output.end(), deferred: parser.deferred(), carry: parser.carry() };
}
