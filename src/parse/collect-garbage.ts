/**
 * Major garbage collections as a thread reads a large trace, of which it
 * holds little after. Calls pending for a while, and the tables of the
 * processes' states, are promoted to V8's old space, which otherwise grows
 * with the input's length before it is collected: peak memory then grows
 * with the trace (seccomp --jobs 1: 68 MiB at 256 MiB, 92 MiB at 1 GiB). A
 * collection every so many bytes read keeps it flat (68 and 72 MiB). A
 * forced, synchronous collection (`gc()`) cost far more: it also threw away
 * compiled code, compiled again after it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Gc = (options: { type: "major"; execution: "async" }) => Promise<void>;

// The flag gives `gc` to contexts made from now on, such as this one.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as Gc;

/** Starts a major collection; the promise settles when it is done. */
export function collectGarbage(): Promise<void> {
  return gc({ type: "major", execution: "async" });
}

/**
 * Starts a collection after every `step` bytes a thread reads: `read`
 * returns its promise then, to await. The collection is a task of the event
 * loop, which a thread reading with synchronous reads (fileChunks) lets run
 * only when it awaits it.
 */
export class CollectionPacer {
  private readSince = 0;

  constructor(private readonly step: number) {}

  read(bytes: number): Promise<void> | undefined {
    this.readSince += bytes;
    if (this.readSince < this.step) return undefined;
    this.readSince = 0;
    return collectGarbage();
  }
}
