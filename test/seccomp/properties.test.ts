import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeAllPolicies } from "../../src/policy/merge.js";
import type { ArgFacts, Policy } from "../../src/policy/model.js";
import { isNarrowed } from "../../src/seccomp/arg-rules.js";
import { buildSeccompProfile, type BuildOptions } from "../../src/seccomp/build.js";
import { emitDocker, readDocker } from "../../src/seccomp/docker.js";
import { evaluate } from "../../src/seccomp/evaluate.js";
import { FALLBACKS } from "../../src/seccomp/fallbacks.js";
import { emitOci, readOci } from "../../src/seccomp/oci.js";
import { DEFAULT_ACTIONS, type SeccompProfile } from "../../src/seccomp/profile.js";
import { emitSpo, readSpo } from "../../src/seccomp/spo.js";
import { VDSO_CALLS } from "../../src/seccomp/vdso.js";
import type { Arch } from "../../src/syscalls/arch.js";
import { syscallNames } from "../../src/syscalls/index.js";
import { tracePolicy } from "./helpers.js";

const X86_64_NAMES = syscallNames("x86_64");
const X86_NAMES = syscallNames("x86");
const NAMESPACE_FLAGS = [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000];

const argValues = (values: fc.Arbitrary<number>): fc.Arbitrary<ArgFacts> =>
  fc.oneof(
    fc.constant<ArgFacts>({ "0": "any" }),
    fc.uniqueArray(values, { minLength: 1, maxLength: 3 }).map((seen): ArgFacts => ({ "0": seen.sort((a, b) => a - b) })),
  );

const factsFor = (name: string): fc.Arbitrary<ArgFacts> => {
  if (name === "socket") return argValues(fc.integer({ min: 1, max: 45 }));
  if (name === "personality") return argValues(fc.constantFrom(0, 8, 0x20000, 0xffffffff));
  if (name === "clone" || name === "unshare") {
    return argValues(fc.oneof(fc.constantFrom(0x11, 0x1200011, 0x3d0f00), fc.constantFrom(...NAMESPACE_FLAGS)));
  }
  return fc.constant({});
};

const callsOf = (names: readonly string[]) =>
  fc
    .uniqueArray(fc.oneof(fc.constantFrom(...names), fc.constantFrom("socket", "clone", "clone3", "unshare", "personality", "statx")), {
      maxLength: 25,
    })
    .chain((picked) => fc.tuple(...picked.map((name) => factsFor(name).map((facts) => [name, facts] as const))))
    .map((entries) => Object.fromEntries(entries) as Record<string, ArgFacts>);

/** A trace's policy: x86_64 calls, sometimes x86 calls too, and some explicit denies. */
const tracePolicies = fc
  .record({
    x86_64: callsOf(X86_64_NAMES),
    x86: fc.option(callsOf(X86_NAMES), { nil: undefined }),
    denies: fc.uniqueArray(fc.constantFrom<string>(...X86_64_NAMES), { maxLength: 4 }),
  })
  .map(({ x86_64, x86, denies }) => ({
    policy: tracePolicy(x86 ? { x86_64, x86 } : { x86_64 }, { x86_64: denies, ...(x86 ? { x86: denies } : {}) }),
    calls: { x86_64, ...(x86 ? { x86 } : {}) } as Partial<Record<Arch, Record<string, ArgFacts>>>,
    denies,
  }));

const buildOptions: fc.Arbitrary<BuildOptions> = fc.record({
  defaultAction: fc.constantFrom(...DEFAULT_ACTIONS),
  args: fc.boolean(),
  vdso: fc.boolean(),
});

/** The same, sometimes for other ABIs than the trace's (--arch). */
const buildOptionsWithArches: fc.Arbitrary<BuildOptions> = fc
  .tuple(buildOptions, fc.option(fc.subarray<Arch>(["x86_64", "aarch64", "x86", "arm"], { minLength: 1 }), { nil: undefined }))
  .map(([options, arches]) => (arches ? { ...options, arches } : options));

const FALLBACK_NAMES = new Set(FALLBACKS.flatMap((fallback) => [fallback.newer, ...fallback.older]));
const VDSO_NAMES = new Set(Object.values(VDSO_CALLS).flatMap((calls) => calls.map((call) => call.name)));

function traced(calls: Partial<Record<Arch, Record<string, ArgFacts>>>): Set<string> {
  return new Set(Object.values(calls).flatMap((byName) => Object.keys(byName ?? {})));
}

const args6 = fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 6, maxLength: 6 });

describe("seccomp generation laws", () => {
  it("gives the default action to every call not traced and not a stated vDSO, fallback or argument rule", () => {
    fc.assert(
      fc.property(tracePolicies, buildOptions, args6, ({ policy, calls }, options, args) => {
        const { profile } = buildSeccompProfile(policy, options);
        const seen = traced(calls);
        for (const arch of profile.arches) {
          for (const name of syscallNames(arch)) {
            if (seen.has(name) || FALLBACK_NAMES.has(name) || VDSO_NAMES.has(name) || isNarrowed(name)) continue;
            expect(evaluate(profile, arch, name, args), `${arch} ${name}`).toEqual(profile.defaultVerdict);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("allows every traced call no allowlist denies, with the argument values it was seen with", () => {
    fc.assert(
      fc.property(tracePolicies, buildOptions, ({ policy, calls, denies }, options) => {
        const { profile } = buildSeccompProfile(policy, options);
        for (const [arch, byName] of Object.entries(calls) as [Arch, Record<string, ArgFacts>][]) {
          for (const [name, facts] of Object.entries(byName)) {
            const verdict = (args: number[]) => evaluate(profile, arch, name, args);
            if (denies.includes(name)) {
              expect(verdict([0]).action, `${arch} ${name} is denied`).not.toBe("allow");
            } else if (name === "clone3" && options.args !== false) {
              expect(verdict([]), "clone3 with argument rules").toEqual({ action: "errno", errno: 38 });
            } else {
              const seen = facts["0"];
              for (const value of seen === undefined || seen === "any" ? [0, 12345] : seen) {
                expect(verdict([value]), `${arch} ${name}(${value})`).toEqual({ action: "allow" });
              }
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("writes byte-identical output whatever order the traces merge in", () => {
    fc.assert(
      fc.property(
        fc.array(tracePolicies, { minLength: 2, maxLength: 3 }),
        fc.func(fc.integer()),
        buildOptions,
        (traces, order, options) => {
          const policies = traces.map((trace) => trace.policy);
          const shuffled = [...policies].sort((a, b) => order(a) - order(b));
          const text = (list: Policy[]) => emitDocker(buildSeccompProfile(mergeAllPolicies(list), options).profile);
          expect(text(shuffled)).toBe(text(policies));
          expect(text([...policies].reverse())).toBe(text(policies));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("reads each format back to a profile with the same decisions for every syscall", () => {
    fc.assert(
      fc.property(tracePolicies, buildOptionsWithArches, ({ policy }, options) => {
        const { profile } = buildSeccompProfile(policy, options);
        const readBack: [string, SeccompProfile][] = [
          ["docker", readDocker(emitDocker(profile), "p.json").profile],
          ["oci", readOci(emitOci(profile), "p.json").profile],
          ["spo", readSpo(emitSpo(profile, "p"), "p.yaml").profile],
        ];
        for (const [format, read] of readBack) {
          expect(read.arches, format).toEqual(profile.arches);
          for (const arch of profile.arches) {
            for (const name of syscallNames(arch)) {
              for (const args of [[], [2], [0x10000011], [0xffffffff]]) {
                expect(evaluate(read, arch, name, args), `${format} ${arch} ${name}`).toEqual(evaluate(profile, arch, name, args));
              }
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
