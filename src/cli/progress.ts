/**
 * A progress line on stderr for long inputs: bytes read of the total, the
 * rate and the time taken, redrawn in place. Only on a terminal (never in a
 * pipe or a file), only once the work has taken a while (short runs print
 * nothing), and erased when reading ends.
 */
import type { Writable } from "node:stream";
import type { ReadProgress } from "../parse/read-traces.js";
import { isTerminal } from "./style.js";

export interface ProgressSnapshot {
  readonly bytesRead: number;
  /** Undefined when an input's size is not known beforehand (stdin). */
  readonly totalBytes: number | undefined;
  readonly elapsedMs: number;
}

export interface ProgressOptions {
  /** Milliseconds from an arbitrary origin; injected by tests. */
  readonly now?: () => number;
  /** Nothing is drawn before the work has taken this long. */
  readonly delayMs?: number;
  /** The shortest time between two redraws. */
  readonly intervalMs?: number;
}

const DELAY_MS = 1500;
const INTERVAL_MS = 200;
const ERASE_LINE = "\r\x1b[K";
const UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** A byte count in decimal units: 999 B, 1.5 kB, 256.0 MB, 1.07 GB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${UNITS[unit]}`;
}

/** A duration: 4.2s under a minute, then 3m05s, then 1h02m03s. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  return h > 0 ? `${h}h${two(m)}m${two(s)}s` : `${m}m${two(s)}s`;
}

/** The progress line, e.g. `reading 512 MB of 1.07 GB (47%), 245 MB/s, 2.1s`. */
export function progressLine({ bytesRead, totalBytes, elapsedMs }: ProgressSnapshot): string {
  const read =
    totalBytes === undefined || totalBytes === 0
      ? formatBytes(bytesRead)
      : `${formatBytes(bytesRead)} of ${formatBytes(totalBytes)} (${Math.min(100, Math.floor((bytesRead / totalBytes) * 100))}%)`;
  const rate = elapsedMs > 0 ? `, ${formatBytes((bytesRead / elapsedMs) * 1000)}/s` : "";
  return `reading ${read}${rate}, ${formatElapsed(elapsedMs)}`;
}

/** The line cut to the terminal's width, so that erasing it never leaves a wrapped remainder. */
function fitted(line: string, stream: Writable): string {
  const columns = (stream as { columns?: number }).columns;
  return columns !== undefined && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
}

/**
 * The progress reporter for readTraces' `progress` option: draws on `stream`
 * when it is a terminal, else undefined (no reporter: nothing is tracked).
 * The clock starts now.
 */
export function terminalProgress(stream: Writable, options: ProgressOptions = {}): ReadProgress | undefined {
  if (!isTerminal(stream)) return undefined;
  const now = options.now ?? (() => performance.now());
  const delayMs = options.delayMs ?? DELAY_MS;
  const intervalMs = options.intervalMs ?? INTERVAL_MS;
  const start = now();
  let drawnAt: number | undefined;
  return {
    update(bytesRead, totalBytes) {
      const time = now();
      const elapsedMs = time - start;
      if (elapsedMs < delayMs || (drawnAt !== undefined && time - drawnAt < intervalMs)) return;
      drawnAt = time;
      stream.write(ERASE_LINE + fitted(progressLine({ bytesRead, totalBytes, elapsedMs }), stream));
    },
    end() {
      if (drawnAt !== undefined) stream.write(ERASE_LINE);
      drawnAt = undefined;
    },
  };
}
