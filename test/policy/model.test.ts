import fc from "fast-check";
import { ARCHES } from "../../src/syscalls/arch.js";
import { describe, expect, it } from "vitest";
import {
  EMPTY_POLICY,
  effectiveAllows,
  joinArgValues,
  mergeAllPolicies,
  mergePolicies,
  PID_SAMPLE,
  PolicySchema,
  type ArgCondition,
  type Policy,
  type Source,
} from "../../src/policy/index.js";

const NAMES = ["read", "write", "socket", "clone", "ptrace", "openat"];

const source: fc.Arbitrary<Source> = fc.oneof(
  fc.record({
    kind: fc.constant("trace" as const),
    file: fc.constantFrom("a.strace", "b.strace"),
    calls: fc.nat(5),
    pids: fc.uniqueArray(fc.nat(20), { maxLength: PID_SAMPLE }).map((pids) => pids.sort((a, b) => a - b)),
  }),
  fc.record({ kind: fc.constant("allowlist" as const), file: fc.constantFrom("x.yaml", "y.yaml") }),
);
const allowlistSource = fc.record({ kind: fc.constant("allowlist" as const), file: fc.constantFrom("x.yaml", "y.yaml") });
const argValues = fc.oneof(fc.constant("any" as const), fc.uniqueArray(fc.nat(3), { minLength: 1 }));
const condition: fc.Arbitrary<ArgCondition> = fc.oneof(
  fc.record({ index: fc.nat(1), op: fc.constantFrom("EQ" as const, "NE" as const, "GT" as const), value: fc.nat(3) }),
  fc.record({ index: fc.nat(1), op: fc.constant("MASKED_EQ" as const), value: fc.nat(3), valueTwo: fc.nat(3) }),
);
const archAllows = fc.record({
  syscalls: fc.dictionary(
    fc.constantFrom(...NAMES),
    fc.record({
      sources: fc.array(source, { minLength: 1, maxLength: 3 }),
      args: fc.dictionary(fc.constantFrom("0" as const, "1" as const), argValues),
    }),
  ),
  rules: fc.array(
    fc.record({
      name: fc.constantFrom(...NAMES),
      args: fc.array(condition, { minLength: 1, maxLength: 3 }),
      sources: fc.array(allowlistSource, { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
});
/** Arbitrary policies, made canonical the way every producer's output is. */
const policy: fc.Arbitrary<Policy> = fc
  .record({
    allow: fc.dictionary(fc.constantFrom(...ARCHES), archAllows),
    deny: fc.dictionary(
      fc.constantFrom(...ARCHES),
      fc.dictionary(fc.constantFrom(...NAMES), fc.record({ sources: fc.array(allowlistSource, { minLength: 1 }) })),
    ),
  })
  .map((p) => mergePolicies(PolicySchema.parse(p), EMPTY_POLICY));

const json = (p: Policy) => JSON.stringify(p);

describe("mergePolicies", () => {
  it("is commutative", () => {
    fc.assert(fc.property(policy, policy, (a, b) => json(mergePolicies(a, b)) === json(mergePolicies(b, a))));
  });
  it("is associative", () => {
    fc.assert(
      fc.property(
        policy,
        policy,
        policy,
        (a, b, c) => json(mergePolicies(mergePolicies(a, b), c)) === json(mergePolicies(a, mergePolicies(b, c))),
      ),
    );
  });
  it("is idempotent", () => {
    fc.assert(fc.property(policy, policy, (a, b) => {
      const ab = mergePolicies(a, b);
      return json(mergePolicies(a, a)) === json(a) && json(mergePolicies(ab, b)) === json(ab);
    }));
  });
  it("gives the same bytes for any order of many policies", () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 5 }), (policies) =>
        json(mergeAllPolicies(policies)) === json(mergeAllPolicies([...policies].reverse())),
      ),
    );
  });
  it("keeps every allowed name and stays valid", () => {
    fc.assert(
      fc.property(policy, policy, (a, b) => {
        const merged = mergePolicies(a, b);
        PolicySchema.parse(merged);
        return ARCHES.every((arch) =>
          [a, b].every((p) =>
            Object.keys(p.allow[arch]?.syscalls ?? {}).every((name) => merged.allow[arch]?.syscalls[name]),
          ),
        );
      }),
    );
  });

  it("joins provenance of one trace by max and union, not by sum", () => {
    const one = (calls: number, pids: number[]): Policy => ({
      allow: { x86_64: { syscalls: { read: { sources: [{ kind: "trace", file: "t", calls, pids }], args: {} } }, rules: [] } },
      deny: {},
    });
    expect(mergePolicies(one(3, [1]), one(2, [2])).allow.x86_64?.syscalls.read?.sources).toEqual([
      { kind: "trace", file: "t", calls: 3, pids: [1, 2] },
    ]);
  });

  it("joins argument facts: union, any absorbs, one-sided is any", () => {
    const withArgs = (args: Record<string, "any" | number[]>): Policy => ({
      allow: { x86_64: { syscalls: { socket: { sources: [{ kind: "allowlist", file: "f" }], args } }, rules: [] } },
      deny: {},
    });
    const merged = (x: Record<string, "any" | number[]>, y: Record<string, "any" | number[]>) =>
      mergePolicies(withArgs(x), withArgs(y)).allow.x86_64?.syscalls.socket?.args;
    expect(merged({ "0": [10, 1] }, { "0": [2] })).toEqual({ "0": [1, 2, 10] });
    expect(merged({ "0": [1] }, { "0": "any" })).toEqual({ "0": "any" });
    expect(merged({ "0": [1] }, {})).toEqual({ "0": "any" });
    expect(merged({}, {})).toEqual({});
    expect(joinArgValues([3, 1], [1])).toEqual([1, 3]);
  });
});

describe("effectiveAllows", () => {
  it("applies denies last, to syscalls and rules", () => {
    fc.assert(
      fc.property(policy, policy, (a, b) => {
        const merged = mergePolicies(a, b);
        return ARCHES.every((arch) => {
          const allowed = effectiveAllows(merged, arch);
          const denied = Object.keys(merged.deny[arch] ?? {});
          return denied.every(
            (name) => allowed.syscalls[name] === undefined && allowed.rules.every((rule) => rule.name !== name),
          );
        });
      }),
    );
  });

  it("keeps what is not denied", () => {
    const p: Policy = {
      allow: {
        x86_64: {
          syscalls: {
            ptrace: { sources: [{ kind: "trace", file: "t", calls: 1, pids: [1] }], args: {} },
            read: { sources: [{ kind: "trace", file: "t", calls: 1, pids: [1] }], args: {} },
          },
          rules: [],
        },
      },
      deny: { x86_64: { ptrace: { sources: [{ kind: "allowlist", file: "a.yaml" }] } } },
    };
    expect(Object.keys(effectiveAllows(p, "x86_64").syscalls)).toEqual(["read"]);
    expect(effectiveAllows(p, "aarch64")).toEqual({ syscalls: {}, rules: [] });
  });
});
