export { record, recordManifest, RECORD_FILES, type RecordOptions, type RecordResult } from "./record.js";
export { ensureStraceWorks, runTraced, straceArgv, straceFailure, STRACE_OPTIONS, type TracedStdio } from "./strace.js";
export { collectSymlinks, eventPaths, parseSymlinks, readLinkHere, renderSymlinks, type ReadLink, type Symlinks } from "./symlinks.js";
