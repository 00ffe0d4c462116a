import { readTraces, type ReadTracesOptions } from "../../src/parse/read-traces.js";

/** The events (AppArmor records among them) and report of reading `paths`, or the error the reading failed with. */
export async function readAll(paths: readonly string[], options: ReadTracesOptions) {
  const reading = readTraces(paths, options);
  const events = [];
  try {
    for await (const batch of reading.recordBatches) events.push(...batch);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { events, report: reading.report() };
}
