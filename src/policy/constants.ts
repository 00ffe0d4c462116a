/** The policy model's fixed sizes (apart from its zod schemas, so that code reading traces need not load zod). */

/**
 * How many pids a trace source names: the lowest ones. Enough to find the
 * processes in the trace, and bounded, so that a day-long trace of a service
 * that forks per request keeps a policy of constant size.
 */
export const PID_SAMPLE = 8;

/** A syscall's argument positions, as policy keys. */
export const ARG_INDEXES = ["0", "1", "2", "3", "4", "5"] as const;
