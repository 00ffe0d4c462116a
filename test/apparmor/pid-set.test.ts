import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PidSet } from "../../src/apparmor/pid-set.js";

/** Kernel pids, near the limit, and numbers Linux never hands out. */
const pid = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 2 ** 22 - 40, max: 2 ** 22 + 40 }),
  fc.integer({ min: -5, max: -1 }),
  fc.constantFrom(2 ** 31, 2 ** 53, 0.5),
);
const operation = fc.record({ op: fc.constantFrom("add", "delete", "has"), pid });

describe("PidSet", () => {
  it("answers has and delete as a Set would, before and after it switches to bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(operation, { maxLength: 200 }), (listedMax, operations) => {
        const pids = new PidSet(listedMax);
        const model = new Set<number>();
        for (const { op, pid } of operations) {
          if (op === "add") {
            pids.add(pid);
            model.add(pid);
          } else if (op === "delete") expect(pids.delete(pid)).toBe(model.delete(pid));
          else expect(pids.has(pid)).toBe(model.has(pid));
        }
        for (const { pid } of operations) expect(pids.has(pid)).toBe(model.has(pid));
      }),
      { numRuns: 500 },
    );
  });
});
