/**
 * A trace's policy: every syscall the trace shows, on the ABI it was made
 * through, with how often and by which processes, and the argument values the
 * generators narrow rules by.
 */
import type { DecodedArgs, SyscallEvent, TraceEvent } from "../events/types.js";
import type { Arch } from "../syscalls/arch.js";
import { EMPTY_POLICY, mergePolicies, PID_SAMPLE, type ArgFacts, type ArgIndex, type Policy, type SyscallAllow } from "./model.js";

/**
 * The arguments whose values the policy records, by syscall: argument index
 * and how to read its value from the decoded arguments (undefined when the
 * parser could not decode it).
 */
const TRACKED_ARGS: Readonly<Record<string, { index: ArgIndex; value: (decoded: DecodedArgs) => number | undefined }>> = {
  socket: { index: "0", value: (d) => (d.call === "socket" ? d.domain : undefined) },
  clone: { index: "0", value: (d) => (d.call === "clone" ? d.flags : undefined) },
  unshare: { index: "0", value: (d) => (d.call === "unshare" ? d.flags : undefined) },
  personality: { index: "0", value: (d) => (d.call === "personality" ? d.persona : undefined) },
};

interface FileTally {
  calls: number;
  /** The lowest pids, ascending, at most PID_SAMPLE. */
  readonly pids: number[];
}

interface CallTally {
  readonly byFile: Map<string, FileTally>;
  readonly values: Map<ArgIndex, Set<number> | "any">;
}

/** Adds `pid` to an ascending sample of the lowest PID_SAMPLE pids. */
function samplePid(pids: number[], pid: number): void {
  const last = pids.length - 1;
  if (last >= 0 && pid >= (pids[last] as number)) {
    if (pid === pids[last] || pids.length === PID_SAMPLE) return;
    pids.push(pid);
    return;
  }
  const at = pids.findIndex((p) => p >= pid);
  if (pids[at] === pid) return;
  pids.splice(at, 0, pid);
  if (pids.length > PID_SAMPLE) pids.pop();
}

function tally(calls: Map<Arch, Map<string, CallTally>>, event: SyscallEvent): void {
  let ofArch = calls.get(event.arch);
  if (!ofArch) calls.set(event.arch, (ofArch = new Map()));
  let call = ofArch.get(event.name);
  if (!call) ofArch.set(event.name, (call = { byFile: new Map(), values: new Map() }));
  let file = call.byFile.get(event.pos.file);
  if (!file) call.byFile.set(event.pos.file, (file = { calls: 0, pids: [] }));
  file.calls += 1;
  samplePid(file.pids, event.pid);

  const tracked = TRACKED_ARGS[event.name];
  if (!tracked) return;
  const value = event.decoded && tracked.value(event.decoded);
  const seen = call.values.get(tracked.index) ?? new Set<number>();
  if (value === undefined || seen === "any") call.values.set(tracked.index, "any");
  else call.values.set(tracked.index, seen.add(value));
}

function allowOfCall(call: CallTally): SyscallAllow {
  const args: ArgFacts = {};
  for (const [index, values] of call.values) args[index] = values === "any" ? "any" : [...values];
  const sources = [...call.byFile].map(([file, { calls, pids }]) => ({ kind: "trace" as const, file, calls, pids }));
  return { sources, args };
}

/**
 * The policy of a trace's syscall events (other events are ignored: signals,
 * exits and personality switches grant nothing, and unparsed lines are
 * reported by the reader). Each call counts once, resumed or not. Calls strace
 * failed by fault injection (`injected`) are allowed too: the kernel never saw
 * them under strace, but the real program will make them.
 */
export async function policyFromEvents(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>): Promise<Policy> {
  const calls = new Map<Arch, Map<string, CallTally>>();
  for await (const event of events) {
    if (event.kind === "syscall") tally(calls, event);
  }
  const allow: Policy["allow"] = {};
  for (const [arch, ofArch] of calls) {
    const syscalls: Record<string, SyscallAllow> = {};
    for (const [name, call] of ofArch) syscalls[name] = allowOfCall(call);
    allow[arch] = { syscalls, rules: [] };
  }
  // Merging with nothing sorts everything into canonical order.
  return mergePolicies({ allow, deny: {} }, EMPTY_POLICY);
}
