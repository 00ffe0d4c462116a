/**
 * Major garbage collections, started in the background as a thread reads
 * parts of a large trace, of which it holds nothing after. Calls pending for
 * a while are promoted to V8's old space, which otherwise grows with the
 * input's length before it is collected: peak memory then grows with the
 * trace (108 MiB at 256 MiB, 128-133 MiB at 1 GiB with two workers). One
 * collection per 128 MiB read keeps it flat (113-115 MiB). A forced,
 * synchronous collection (`gc()`) cost far more: it also threw away compiled
 * code, compiled again after it.
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

/** Bytes read between two collections. */
const COLLECT_STEP = 128 << 20;

/** Starts a collection after every COLLECT_STEP bytes a thread reads. */
export class CollectionPacer {
  private readSince = 0;

  read(bytes: number): void {
    this.readSince += bytes;
    if (this.readSince < COLLECT_STEP) return;
    this.readSince = 0;
    void collectGarbage();
  }
}
