/**
 * Replaying traces against a seccomp profile: every traced call the filter
 * would not let run, grouped by ABI, call and reason, with its first place in
 * the traces and how often and by which processes it was made.
 *
 * One exception is not a finding: a call the filter answers with ENOSYS that
 * also failed with ENOSYS in the trace. The workload already saw that answer
 * and went on (a libc falling back from clone3 or statx), so the profile
 * changes nothing for it; such calls are listed apart.
 */
import type { SourcePos, SyscallEvent, TraceEvent } from "../events/types.js";
import { compareArches, ENOSYS, type SeccompProfile } from "../seccomp/profile.js";
import type { Arch } from "../syscalls/arch.js";
import { comparedArgs, decide, enforcedProfile, indexRules, type Decision, type FilterAnswer } from "./decide.js";
import { filterArgs } from "./filter-args.js";

/** Calls of one ABI and name that the filter answers alike for the same reason. */
export interface DeniedCalls {
  readonly kind: "seccomp";
  readonly arch: Arch;
  readonly syscall: string;
  readonly answer: FilterAnswer;
  /** The rule missing, or why the call is refused: one line. */
  readonly reason: string;
  /** The earliest place in the traces (by file name, then line). */
  readonly first: { readonly pos: SourcePos; readonly pid: number };
  readonly calls: number;
  /** Sorted. */
  readonly pids: readonly number[];
}

export interface SeccompVerification {
  readonly kind: "seccomp";
  /** Syscall events replayed. */
  readonly calls: number;
  /** The findings: calls the workload would see refused, sorted by ABI, call and reason. */
  readonly denied: readonly DeniedCalls[];
  /** Calls answered ENOSYS that failed with ENOSYS in the trace too: not findings. */
  readonly answeredAlike: readonly DeniedCalls[];
}

type TraceEvents = Iterable<TraceEvent> | AsyncIterable<TraceEvent>;

function failedWithEnosys(event: SyscallEvent): boolean {
  return event.outcome.kind === "failed" && (event.outcome.errno === "ENOSYS" || event.outcome.errno === String(ENOSYS));
}

function answeredEnosys(decision: Decision): boolean {
  return !decision.allowed && decision.answer.known && decision.answer.verdict.action === "errno" && decision.answer.verdict.errno === ENOSYS;
}

function earlier(a: SourcePos, b: SourcePos): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}

interface Tally {
  arch: Arch;
  syscall: string;
  decision: Extract<Decision, { allowed: false }>;
  first: { pos: SourcePos; pid: number };
  calls: number;
  pids: Set<number>;
}

function add(groups: Map<string, Tally>, event: SyscallEvent, decision: Extract<Decision, { allowed: false }>): void {
  const key = `${event.arch} ${event.name} ${decision.reason}`;
  const group = groups.get(key);
  if (!group) {
    const first = { pos: event.pos, pid: event.pid };
    groups.set(key, { arch: event.arch, syscall: event.name, decision, first, calls: 1, pids: new Set([event.pid]) });
    return;
  }
  group.calls++;
  group.pids.add(event.pid);
  if (earlier(event.pos, group.first.pos)) group.first = { pos: event.pos, pid: event.pid };
}

function sorted(groups: Map<string, Tally>): DeniedCalls[] {
  return [...groups.values()]
    .sort(
      (a, b) =>
        compareArches(a.arch, b.arch) ||
        (a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0) ||
        (a.decision.reason < b.decision.reason ? -1 : a.decision.reason > b.decision.reason ? 1 : 0),
    )
    .map((group) => ({
      kind: "seccomp",
      arch: group.arch,
      syscall: group.syscall,
      answer: group.decision.answer,
      reason: group.decision.reason,
      first: group.first,
      calls: group.calls,
      pids: [...group.pids].sort((a, b) => a - b),
    }));
}

/** Replays `events` against `profile` as runc and crun enforce it. */
export async function verifySeccomp(profile: SeccompProfile, events: TraceEvents): Promise<SeccompVerification> {
  const written = indexRules(profile);
  const enforced = indexRules(enforcedProfile(profile));
  const decisions = new Map<string, Decision>();
  const denied = new Map<string, Tally>();
  const alike = new Map<string, Tally>();
  let calls = 0;
  for await (const event of events) {
    if (event.kind !== "syscall") continue;
    calls++;
    const args = filterArgs(event);
    const compared = comparedArgs(written, event.arch, event.name).map((i) => args[i] ?? "?");
    const key = `${event.arch} ${event.name} ${compared.join(",")}`;
    let decision = decisions.get(key);
    if (!decision) decisions.set(key, (decision = decide(written, enforced, event.arch, event.name, args)));
    if (decision.allowed) continue;
    add(answeredEnosys(decision) && failedWithEnosys(event) ? alike : denied, event, decision);
  }
  return { kind: "seccomp", calls, denied: sorted(denied), answeredAlike: sorted(alike) };
}
