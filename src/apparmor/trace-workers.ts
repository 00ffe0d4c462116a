import type { InputWorkers } from "../parse/input-workers.js";
import { workerModule } from "../package-files.js";

/**
 * readTraces' `workers` for the AppArmor generator: trace-worker.js, which
 * reads with APPARMOR_DECODED_KINDS and APPARMOR_CALLS. It is named from this
 * module because it sits beside it both in dist/src/apparmor/ and in the
 * CLI's bundle (dist/cli/).
 */
export function appArmorTraceWorkers(threads: number): InputWorkers {
  return { module: workerModule(new URL("./trace-worker.js", import.meta.url)), threads };
}
