/**
 * A trace's policy: every syscall the trace shows, on the ABI it was made
 * through, with how often and by which processes, and the argument values the
 * generators narrow rules by.
 */
import { forEachEvent } from "../events/iterate.js";
import type { DecodedArgs, SyscallEvent, TraceEvent, TraceEvents } from "../events/types.js";
import type { DecodedKind } from "../parse/decode.js";
import type { CallTally } from "../parse/parser.js";
import type { Arch } from "../syscalls/arch.js";
import { PID_SAMPLE } from "./constants.js";
import { EMPTY_POLICY, mergePolicies } from "./merge.js";
import type { ArgFacts, ArgIndex, Policy, SyscallAllow } from "./model.js";

/**
 * The arguments whose values the policy records, by syscall: argument index
 * and how to read its value from the decoded arguments (undefined when the
 * parser could not decode it).
 */
const TRACKED_ARGS: Readonly<Record<string, { kind: DecodedKind; index: ArgIndex; value: (decoded: DecodedArgs) => number | undefined }>> = {
  socket: { kind: "socket", index: "0", value: (d) => (d.call === "socket" ? d.domain : undefined) },
  clone: { kind: "clone", index: "0", value: (d) => (d.call === "clone" ? d.flags : undefined) },
  unshare: { kind: "unshare", index: "0", value: (d) => (d.call === "unshare" ? d.flags : undefined) },
  personality: { kind: "personality", index: "0", value: (d) => (d.call === "personality" ? d.persona : undefined) },
};

const TRACKED_KINDS: ReadonlySet<DecodedKind> = new Set(Object.values(TRACKED_ARGS).map((tracked) => tracked.kind));

interface FileTally {
  calls: number;
  /** The lowest pids, ascending, at most PID_SAMPLE. */
  readonly pids: number[];
}

interface CallCounts {
  readonly byFile: Map<string, FileTally>;
  readonly values: Map<ArgIndex, Set<number> | "any">;
}

/**
 * The calls of some syscall events, by ABI and name, as plain data (Maps and
 * Sets): what a worker thread sends back after reading part of a trace.
 */
export type CensusData = Map<Arch, Map<string, CallCounts>>;

/** Adds `pid` to an ascending sample of the lowest PID_SAMPLE pids (in place: it runs for every call counted). */
function samplePid(pids: number[], pid: number): void {
  const last = pids.length - 1;
  if (last < 0 || pid > (pids[last] as number)) {
    if (pids.length < PID_SAMPLE) pids.push(pid);
    return;
  }
  let at = 0;
  while ((pids[at] as number) < pid) at++;
  if (pids[at] === pid) return;
  // Room for one more, or the highest goes: the ones from `at` move up.
  if (pids.length < PID_SAMPLE) pids.push(pid);
  for (let i = pids.length - 1; i > at; i--) pids[i] = pids[i - 1] as number;
  pids[at] = pid;
}

function joinValues(a: Set<number> | "any", b: Set<number> | "any" | undefined): Set<number> | "any" {
  if (b === undefined) return a;
  if (a === "any" || b === "any") return "any";
  for (const value of a) b.add(value);
  return b;
}

function allowOfCall(call: CallCounts): SyscallAllow {
  const args: ArgFacts = {};
  for (const [index, values] of call.values) args[index] = values === "any" ? "any" : [...values];
  const sources = [...call.byFile].map(([file, { calls, pids }]) => ({ kind: "trace" as const, file, calls, pids }));
  return { sources, args };
}

/**
 * Counts syscall events into a policy. Unlike merging policies (where the
 * same trace read twice is still one trace), absorbing another census adds
 * its counts: the two must have read different lines.
 */
export class CallCensus implements CallTally {
  readonly data: CensusData = new Map();
  readonly decoded = TRACKED_KINDS;

  private tally(arch: Arch, name: string): CallCounts {
    let ofArch = this.data.get(arch);
    if (!ofArch) this.data.set(arch, (ofArch = new Map()));
    let call = ofArch.get(name);
    if (!call) ofArch.set(name, (call = { byFile: new Map(), values: new Map() }));
    return call;
  }

  add(event: SyscallEvent): void {
    this.count(event.pos.file, event.arch, event.name, event.pid, event.decoded);
  }

  private fileTally(call: CallCounts, fileName: string): FileTally {
    let file = call.byFile.get(fileName);
    if (!file) call.byFile.set(fileName, (file = { calls: 0, pids: [] }));
    return file;
  }

  /** A call of `name` through `arch` by `pid`, in `file` (what `add` takes of an event). */
  count(fileName: string, arch: Arch, name: string, pid: number, decoded: DecodedArgs | undefined): void {
    const call = this.tally(arch, name);
    const file = this.fileTally(call, fileName);
    file.calls += 1;
    samplePid(file.pids, pid);

    const tracked = TRACKED_ARGS[name];
    if (!tracked) return;
    const value = decoded && tracked.value(decoded);
    const seen = call.values.get(tracked.index) ?? new Set<number>();
    if (value === undefined || seen === "any") call.values.set(tracked.index, "any");
    else call.values.set(tracked.index, seen.add(value));
  }

  /** Counts calls of `name` through `arch` in `file` by a pid, as `count` without decoded arguments (made on the first call). */
  counter(fileName: string, arch: Arch, name: string): (pid: number) => void {
    const call = this.tally(arch, name);
    const file = this.fileTally(call, fileName);
    const tracked = TRACKED_ARGS[name];
    return (pid) => {
      file.calls += 1;
      samplePid(file.pids, pid);
      if (tracked) call.values.set(tracked.index, "any");
    };
  }

  /** Adds the syscall events of `events` (other events grant nothing). */
  addAll(events: Iterable<TraceEvent>): void {
    for (const event of events) if (event.kind === "syscall") this.add(event);
  }

  /** Adds the counts of a census of other lines. */
  absorb(other: CensusData): void {
    for (const [arch, ofArch] of other) {
      for (const [name, { byFile, values }] of ofArch) {
        const call = this.tally(arch, name);
        for (const [file, { calls, pids }] of byFile) {
          const mine = call.byFile.get(file);
          if (!mine) {
            call.byFile.set(file, { calls, pids: [...pids] });
            continue;
          }
          mine.calls += calls;
          for (const pid of pids) samplePid(mine.pids, pid);
        }
        for (const [index, seen] of values) call.values.set(index, joinValues(seen, call.values.get(index)));
      }
    }
  }

  /** The policy of the calls counted, in canonical order. */
  policy(): Policy {
    const allow: Policy["allow"] = {};
    for (const [arch, ofArch] of this.data) {
      const syscalls: Record<string, SyscallAllow> = {};
      for (const [name, call] of ofArch) syscalls[name] = allowOfCall(call);
      allow[arch] = { syscalls, rules: [] };
    }
    // Merging with nothing sorts everything into canonical order.
    return mergePolicies({ allow, deny: {} }, EMPTY_POLICY);
  }
}

/**
 * The policy of a trace's syscall events (other events are ignored: signals,
 * exits and personality switches grant nothing, and unparsed lines are
 * reported by the reader). Each call counts once, resumed or not. Calls strace
 * failed by fault injection (`injected`) are allowed too: the kernel never saw
 * them under strace, but the real program will make them.
 */
export async function policyFromEvents(events: TraceEvents): Promise<Policy> {
  const census = new CallCensus();
  await forEachEvent(events, (event) => {
    if (event.kind === "syscall") census.add(event);
  });
  return census.policy();
}
