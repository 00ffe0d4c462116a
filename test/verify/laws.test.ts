import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SyscallEvent } from "../../src/events/types.js";
import { parseStraceText } from "../../src/parse/index.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { canonicalProfile, type SeccompProfile, type Verdict } from "../../src/seccomp/profile.js";
import { verifySeccomp } from "../../src/verify/index.js";

const NAMES = ["read", "write", "socket", "clone"] as const;
const verdict = fc.constantFrom<Verdict>({ action: "allow" }, { action: "errno", errno: 1 }, { action: "errno", errno: 13 }, { action: "log" });
const condition = fc.record({
  index: fc.constant(0),
  op: fc.constantFrom("EQ" as const, "NE" as const, "GT" as const),
  value: fc.constantFrom(1, 2, 10, 0x10000),
});
/** Conditions only on arguments the trace shows: arg0 of socket and clone. */
const rule = fc.oneof(
  fc.record({ name: fc.constantFrom(...NAMES), verdict, args: fc.constant([]) }),
  fc.record({ name: fc.constantFrom("socket", "clone"), verdict, args: condition.map((c) => [c]) }),
);
const profile: fc.Arbitrary<SeccompProfile> = fc
  .tuple(verdict, fc.array(rule, { maxLength: 6 }))
  .map(([defaultVerdict, rules]) => canonicalProfile({ defaultVerdict, arches: ["x86_64"], rules: rules.map((r) => ({ arch: "x86_64", ...r })) }));

/** Lines whose first argument the parser decodes for socket and clone. */
const line = fc.oneof(
  fc.constantFrom("read(3, \"x\", 1) = 1", "write(1, \"x\", 1) = 1"),
  fc.constantFrom("AF_UNIX", "AF_INET", "AF_INET6").map((family) => `socket(${family}, SOCK_STREAM, 0) = 3`),
  fc.constantFrom("SIGCHLD", "CLONE_VM|SIGCHLD", "CLONE_NEWUSER|SIGCHLD").map((flags) => `clone(child_stack=NULL, flags=${flags}) = 7`),
);
const trace = fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), line), { minLength: 1, maxLength: 12 }).map((lines) =>
  lines.map(([pid, text]) => `${pid} ${text}\n`).join(""),
);

function events(text: string): SyscallEvent[] {
  return parseStraceText(text, { file: "t.strace" }).filter((e): e is SyscallEvent => e.kind === "syscall");
}

describe("verifySeccomp laws", () => {
  it("refuses a call exactly when the evaluator does not let it run, for arguments the trace shows", async () => {
    await fc.assert(
      fc.asyncProperty(profile, trace, async (p, text) => {
        const calls = events(text);
        const result = await verifySeccomp(p, calls);
        const refused = result.denied.reduce((sum, group) => sum + group.calls, 0);
        const byEvaluator = calls.filter((event) => {
          const args = event.decoded?.call === "socket" ? [event.decoded.domain] : event.decoded?.call === "clone" ? [event.decoded.flags] : [];
          const answer = evaluate(p, event.arch, event.name, args);
          return answer.action !== "allow" && answer.action !== "log";
        }).length;
        expect(refused).toBe(byEvaluator);
        expect(result.fallbacks).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same groups for the same calls in any order", async () => {
    await fc.assert(
      fc.asyncProperty(profile, trace, fc.infiniteStream(fc.nat()), async (p, text, random) => {
        const calls = events(text);
        const shuffled = [...calls].sort(() => (random.next().value % 3) - 1);
        expect(await verifySeccomp(p, shuffled)).toEqual(await verifySeccomp(p, calls));
      }),
      { numRuns: 200 },
    );
  });
});
