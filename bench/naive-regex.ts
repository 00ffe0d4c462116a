/**
 * The naive baseline: `node dist/bench/naive-regex.js TRACE` prints the sorted
 * set of call names of an `strace -f -o` trace found by one regular expression
 * per line, reading the file with readline. What any script would do first.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** `PID [time] [[  nr]] [[address]] name(`. */
const CALL_START = /^\d+ +(?:\d[\d:.]* +)?(?:\[[ \da-f?]+\] +)*([a-z_][a-z\d_]*)\(/;

const [trace] = process.argv.slice(2);
if (trace === undefined) throw new Error("usage: naive-regex.js TRACE");
const names = new Set<string>();
for await (const line of createInterface({ input: createReadStream(trace), crlfDelay: Infinity })) {
  const name = CALL_START.exec(line)?.[1];
  if (name !== undefined) names.add(name);
}
process.stdout.write(`${[...names].sort().join("\n")}\n`);
