/** A worker thread of readTraces' `workers` that reads what the AppArmor generator reads (see serveInputReads). */
import { serveInputReads } from "../parse/serve-input-reads.js";
import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS } from "./observe.js";

serveInputReads({ decode: APPARMOR_DECODED_KINDS, detailed: APPARMOR_CALLS });
