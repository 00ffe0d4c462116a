/** A part of a strace log read apart from the lines before it, into a census of its calls: what a census worker does. */
import { partParser, readPart, type PartEnd, type PartOptions, type TracePart } from "../parse/trace-parts.js";
import { CallCensus, type CensusData } from "./from-events.js";

/** What reading a part apart gives: its census, and its end for stitching. */
export interface PartResult {
  readonly kind: "done";
  readonly census: CensusData;
  readonly end: PartEnd;
}

/** Reads `part` apart from the lines before it, telling `onBytes` the bytes read. */
export async function readApart(part: TracePart, options: PartOptions, onBytes: (bytes: number) => void): Promise<PartResult> {
  const census = new CallCensus();
  const end = await readPart(part, partParser(part, options, census), 1, (events) => census.addAll(events), onBytes);
  return { kind: "done", census: census.data, end };
}
