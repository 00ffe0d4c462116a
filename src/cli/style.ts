/**
 * Colour for what a reader scans for (the `warning:` label, refused calls), only
 * on a terminal and never when NO_COLOR is set to anything non-empty
 * (https://no-color.org). Profiles and JSON never go through a Style.
 */
import type { Writable } from "node:stream";

export interface Style {
  /** `message` with its leading `warning:` label, if any, in yellow. */
  warning(message: string): string;
  /** `report` with its first `count` lines in red: verify's reports list what the profile would refuse first. */
  refusedLines(report: string, count: number): string;
}

const YELLOW = "\x1b[33m";
const RED = "\x1b[31m";
const DEFAULT_COLOUR = "\x1b[39m";
const WARNING_LABEL = /^warning:/;

export function isTerminal(stream: Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Whether what goes to `stream` may be coloured. */
export function colourWanted(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  return isTerminal(stream) && (env.NO_COLOR ?? "") === "";
}

const COLOURED: Style = {
  warning: (message) => message.replace(WARNING_LABEL, (label) => `${YELLOW}${label}${DEFAULT_COLOUR}`),
  refusedLines: (report, count) =>
    report
      .split("\n")
      .map((line, i) => (i < count && line !== "" ? `${RED}${line}${DEFAULT_COLOUR}` : line))
      .join("\n"),
};

const PLAIN: Style = { warning: (message) => message, refusedLines: (report) => report };

/** The Style for writing to `stream` in environment `env`. */
export function styleFor(stream: Writable, env: NodeJS.ProcessEnv): Style {
  return colourWanted(stream, env) ? COLOURED : PLAIN;
}
