import { readFileSync } from "node:fs";

/** A call's start in any strace style: optional pid, optional timestamp, then `name(`. */
const CALL_START = /^(?:\d+\s+)?(?:[\d:.]+\s+)?([a-z0-9_]+)\(/;
const SOCKET_FAMILY = /^(?:\d+\s+)?(?:[\d:.]+\s+)?socket\((AF_[A-Z0-9]+)/;

function linesOf(traces: readonly string[]): string[] {
  return traces.flatMap((file) => readFileSync(file, "utf8").split("\n"));
}

function matches(traces: readonly string[], pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const line of linesOf(traces)) {
    const match = pattern.exec(line)?.[1];
    if (match !== undefined) found.add(match);
  }
  return found;
}

/**
 * The names of the calls the traces show, read independently of the
 * project's parser so the hand-built profiles do not depend on it.
 */
export function tracedSyscalls(traces: readonly string[]): Set<string> {
  return matches(traces, CALL_START);
}

/** The socket address families the traces show. */
export function tracedSocketFamilies(traces: readonly string[]): Set<string> {
  return matches(traces, SOCKET_FAMILY);
}
