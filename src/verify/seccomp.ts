/**
 * Replaying traces against a seccomp profile: every traced call the filter
 * would not let run, grouped by ABI, call and reason, with its first place in
 * the traces and how often and by which processes it was made.
 *
 * A call the filter answers with ENOSYS is listed apart, not as a finding,
 * when the workload is known to go on after that answer: the trace shows the
 * call failing with ENOSYS already (the workload saw the same answer), or the
 * call is one callers probe and fall back from (FALLBACKS: clone3 to clone,
 * statx to newfstatat, ...) and the profile lets the fallback run (for clone3,
 * clone with the same flags). That is how generated profiles answer clone3, as
 * Docker's does; a program that calls clone3 without a fallback would fail.
 */
import { forEachEvent } from "../events/iterate.js";
import type { SourcePos, SyscallEvent, TraceEvents } from "../events/types.js";
import { compareArches, ENOSYS, type SeccompProfile } from "../seccomp/profile.js";
import type { Arch } from "../syscalls/arch.js";
import { FALLBACKS } from "../seccomp/fallbacks.js";
import { isSyscall } from "../syscalls/index.js";
import {
  comparedArgs,
  decide,
  enforcedProfile,
  indexRules,
  type Decision,
  type FilterAnswer,
  type RuleIndex,
} from "./decide.js";
import { filterArgs } from "./filter-args.js";

/** Calls of one ABI and name that the filter answers alike for the same reason. */
export interface DeniedCalls {
  readonly kind: "seccomp";
  readonly arch: Arch;
  readonly syscall: string;
  readonly answer: FilterAnswer;
  /** The argument values the profile's rules compare, where the trace shows them. */
  readonly args: readonly ComparedArg[];
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
  /** Calls answered ENOSYS that the workload goes on after (`reason` says why): not findings. */
  readonly fallbacks: readonly DeniedCalls[];
}

export interface ComparedArg {
  readonly index: number;
  readonly value: number;
}

function failedWithEnosys(event: SyscallEvent): boolean {
  return event.outcome.kind === "failed" && (event.outcome.errno === "ENOSYS" || event.outcome.errno === String(ENOSYS));
}

function answeredEnosys(decision: Decision): boolean {
  return !decision.allowed && decision.answer.known && decision.answer.verdict.action === "errno" && decision.answer.verdict.errno === ENOSYS;
}

/** Why the workload goes on after the filter answers `event` with ENOSYS, or undefined when it may not. */
function fallbackReason(written: RuleIndex, enforced: RuleIndex, event: SyscallEvent): string | undefined {
  if (failedWithEnosys(event)) return "answered ENOSYS, as the trace shows: the workload saw this answer and went on";
  const fallback = FALLBACKS.find((f) => f.newer === event.name);
  if (fallback === undefined) return undefined;
  if (fallback.older.length === 0) return `answered ENOSYS, which callers take as "not supported": ${fallback.why}`;
  // clone3's flags decode like clone's; the fallback clone passes the same ones.
  const args = event.decoded?.call === "clone3" ? [event.decoded.flags] : [];
  const runs = fallback.older.filter(
    (older) => isSyscall(event.arch, older) && decide(written, enforced, event.arch, older, args).allowed,
  );
  if (runs.length === 0) return undefined;
  return `answered ENOSYS; callers fall back to ${runs.join(", ")}, which the profile allows: ${fallback.why}`;
}

function earlier(a: SourcePos, b: SourcePos): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}

interface Tally {
  arch: Arch;
  syscall: string;
  answer: FilterAnswer;
  args: readonly ComparedArg[];
  reason: string;
  first: { pos: SourcePos; pid: number };
  calls: number;
  pids: Set<number>;
}

function add(
  groups: Map<string, Tally>,
  event: SyscallEvent,
  answer: FilterAnswer,
  args: readonly ComparedArg[],
  reason: string,
): void {
  const key = `${event.arch} ${event.name} ${reason}`;
  const group = groups.get(key);
  if (!group) {
    const first = { pos: event.pos, pid: event.pid };
    groups.set(key, { arch: event.arch, syscall: event.name, answer, args, reason, first, calls: 1, pids: new Set([event.pid]) });
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
        (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0),
    )
    .map((group) => ({
      kind: "seccomp",
      arch: group.arch,
      syscall: group.syscall,
      answer: group.answer,
      args: group.args,
      reason: group.reason,
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
  const comparedByCall = new Map<string, number[]>();
  const denied = new Map<string, Tally>();
  const fallbacks = new Map<string, Tally>();
  let calls = 0;
  await forEachEvent(events, (event) => {
    if (event.kind !== "syscall") return;
    calls++;
    const args = filterArgs(event);
    const call = `${event.arch} ${event.name}`;
    let indexes = comparedByCall.get(call);
    if (!indexes) comparedByCall.set(call, (indexes = comparedArgs(written, event.arch, event.name)));
    const key = `${call} ${indexes.map((i) => args[i] ?? "?").join(",")}`;
    let decision = decisions.get(key);
    if (!decision) decisions.set(key, (decision = decide(written, enforced, event.arch, event.name, args)));
    if (decision.allowed) return;
    const excuse = answeredEnosys(decision) ? fallbackReason(written, enforced, event) : undefined;
    const compared = indexes.flatMap((index) => {
      const value = args[index];
      return value === undefined ? [] : [{ index, value }];
    });
    if (excuse === undefined) add(denied, event, decision.answer, compared, decision.reason);
    else add(fallbacks, event, decision.answer, compared, excuse);
  });
  return { kind: "seccomp", calls, denied: sorted(denied), fallbacks: sorted(fallbacks) };
}
