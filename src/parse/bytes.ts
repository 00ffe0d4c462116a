import { isAscii } from "node:buffer";

/** Bytes as text: Latin-1 where they are ASCII (the same text, decoded several times faster), else UTF-8. */
export function decodeBytes(bytes: Buffer, start: number, end: number): string {
  return isAscii(bytes.subarray(start, end)) ? bytes.toString("latin1", start, end) : bytes.toString("utf8", start, end);
}
