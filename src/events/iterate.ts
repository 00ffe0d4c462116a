import type { TraceEvent, TraceEvents } from "./types.js";

/** Calls `visit` with each event of `events`, in order, whether they come one at a time or in batches. */
export async function forEachEvent(events: TraceEvents, visit: (event: TraceEvent) => void): Promise<void> {
  for await (const item of events) {
    if (Array.isArray(item)) for (const event of item as readonly TraceEvent[]) visit(event);
    else visit(item as TraceEvent);
  }
}
