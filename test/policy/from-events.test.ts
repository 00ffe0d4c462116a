import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DecodedArgs, SyscallEvent, TraceEvent } from "../../src/events/types.js";
import type { Arch } from "../../src/syscalls/arch.js";
import { mergePolicies, PID_SAMPLE, policyFromEvents } from "../../src/policy/index.js";

function call(
  name: string,
  options: { pid?: number; arch?: Arch; file?: string; decoded?: DecodedArgs; injected?: boolean } = {},
): SyscallEvent {
  return {
    kind: "syscall",
    pid: options.pid ?? 100,
    arch: options.arch ?? "x86_64",
    name,
    nr: undefined,
    rawArgs: "",
    decoded: options.decoded,
    outcome: { kind: "returned", value: "0" },
    injected: options.injected ?? false,
    delayed: false,
    pos: { file: options.file ?? "app.strace", line: 1 },
  };
}

async function* asAsync(events: TraceEvent[]): AsyncIterable<TraceEvent> {
  yield* events;
}

describe("policyFromEvents", () => {
  it("counts each call once per trace file, with its pids", async () => {
    const policy = await policyFromEvents([
      call("read", { pid: 2 }),
      call("read", { pid: 1 }),
      call("read", { pid: 2 }),
      call("read", { pid: 7, file: "other.strace" }),
      call("write"),
    ]);
    expect(policy.allow.x86_64?.syscalls.read).toEqual({
      sources: [
        { kind: "trace", file: "app.strace", calls: 3, pids: [1, 2] },
        { kind: "trace", file: "other.strace", calls: 1, pids: [7] },
      ],
      args: {},
    });
    expect(Object.keys(policy.allow.x86_64?.syscalls ?? {})).toEqual(["read", "write"]);
  });

  it("names the lowest PID_SAMPLE pids of a call, whatever the order of its calls", () =>
    fc.assert(
      fc.asyncProperty(fc.array(fc.nat(100), { minLength: 1, maxLength: 40 }), async (pids) => {
        const policy = await policyFromEvents(pids.map((pid) => call("read", { pid })));
        const lowest = [...new Set(pids)].sort((a, b) => a - b).slice(0, PID_SAMPLE);
        expect(policy.allow.x86_64?.syscalls.read?.sources).toEqual([
          { kind: "trace", file: "app.strace", calls: pids.length, pids: lowest },
        ]);
      }),
    ));

  it("keeps each ABI apart", async () => {
    const policy = await policyFromEvents(asAsync([call("read"), call("read", { arch: "x86" })]));
    expect(Object.keys(policy.allow)).toEqual(["x86_64", "x86"]);
    expect(policy.deny).toEqual({});
  });

  it("records the socket families, clone/unshare flags and personalities seen", async () => {
    const socket = (domain: number): DecodedArgs => ({ call: "socket", domain, type: 1, protocol: 0 });
    const policy = await policyFromEvents([
      call("socket", { decoded: socket(10) }),
      call("socket", { decoded: socket(2) }),
      call("socket", { decoded: socket(10) }),
      call("clone", { decoded: { call: "clone", flags: 0x1200011 } }),
      call("unshare", { decoded: { call: "unshare", flags: 0x20000 } }),
      call("personality", { decoded: { call: "personality", persona: 0xffffffff } }),
      call("kill", { decoded: { call: "kill", target: 1, signal: 15 } }),
    ]);
    const syscalls = policy.allow.x86_64?.syscalls;
    expect(syscalls?.socket?.args).toEqual({ "0": [2, 10] });
    expect(syscalls?.clone?.args).toEqual({ "0": [0x1200011] });
    expect(syscalls?.unshare?.args).toEqual({ "0": [0x20000] });
    expect(syscalls?.personality?.args).toEqual({ "0": [0xffffffff] });
    expect(syscalls?.kill?.args).toEqual({});
  });

  it("records any value when one call's argument was not decoded", async () => {
    const policy = await policyFromEvents([
      call("socket", { decoded: { call: "socket", domain: 1, type: 1, protocol: 0 } }),
      call("socket"),
      call("socket", { decoded: { call: "socket", domain: 2, type: 1, protocol: 0 } }),
    ]);
    expect(policy.allow.x86_64?.syscalls.socket?.args).toEqual({ "0": "any" });
  });

  it("allows calls strace's fault injection answered: the real program makes them", async () => {
    const policy = await policyFromEvents([call("openat", { injected: true })]);
    expect(policy.allow.x86_64?.syscalls.openat?.sources).toEqual([
      { kind: "trace", file: "app.strace", calls: 1, pids: [100] },
    ]);
  });

  it("grants nothing for signals, exits, personality switches and unparsed lines", async () => {
    const pos = { file: "t", line: 1 };
    const policy = await policyFromEvents([
      { kind: "signal", pid: 1, signal: "SIGCHLD", stopped: false, pos },
      { kind: "exit", pid: 1, how: { exited: 0 }, pos },
      { kind: "personality", pid: 1, arch: "x86", pos },
      { kind: "unparsed", reason: "?", text: "garbage", pos },
    ]);
    expect(policy).toEqual({ allow: {}, deny: {} });
  });

  it("gives the same bytes for the same events in any order", async () => {
    const events = [call("read", { pid: 3 }), call("write", { pid: 1, file: "b" }), call("read", { pid: 1, arch: "x86" })];
    const forward = JSON.stringify(await policyFromEvents(events));
    expect(JSON.stringify(await policyFromEvents([...events].reverse()))).toBe(forward);
  });

  const arbitraryCall = (file: string) =>
    fc
      .record({
        name: fc.constantFrom("read", "socket", "clone"),
        pid: fc.nat(3),
        arch: fc.constantFrom<Arch>("x86_64", "x86"),
        domain: fc.option(fc.nat(3), { nil: undefined }),
      })
      .map(({ name, pid, arch, domain }) =>
        call(name, {
          pid,
          arch,
          file,
          decoded: name === "socket" && domain !== undefined ? { call: "socket", domain, type: 1, protocol: 0 } : undefined,
        }),
      );

  it("of two traces is the merge of each trace's policy, in any order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryCall("a")), fc.array(arbitraryCall("b")), async (a, b) => {
        const whole = JSON.stringify(await policyFromEvents([...b, ...a]));
        const merged = JSON.stringify(mergePolicies(await policyFromEvents(a), await policyFromEvents(b)));
        expect(whole).toBe(merged);
      }),
    );
  });
});
