/**
 * A full garbage collection, for a thread that has read parts of a large
 * trace and holds nothing of it any more. Texts that pending calls kept alive
 * for a while reach V8's old space, which otherwise grows with the input's
 * length before it is collected: peak memory then grows with the trace
 * (112 MiB at 256 MiB, 146-155 MiB at 1 GiB with two workers). A collection
 * per 32 MiB read (about 8 ms) keeps it flat (113-116 MiB), for about a
 * tenth more time overall.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// The flag gives `gc` to contexts made from now on, such as this one.
setFlagsFromString("--expose-gc");
export const collectGarbage = runInNewContext("gc") as () => void;
