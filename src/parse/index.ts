export { parseStrace, parseStraceBatches, parseStraceText } from "./stream.js";
export { pidFromFfName, type StraceParseOptions } from "./parser.js";
export { ALL_DECODED_KINDS, decodeArgs, type DecodedKind } from "./decode.js";
export {
  readTraces,
  STDIN_NAME,
  unparsedWarning,
  type ReadTracesOptions,
  type TraceReading,
  type TraceReport,
  type UnparsedPlace,
} from "./read-traces.js";
