/** `profilesmith verify`'s report: one line per group of denied calls, then a summary line. */
import { verdictText } from "./describe.js";
import type { FilterAnswer } from "./decide.js";
import type { DeniedCalls, SeccompVerification } from "./seccomp.js";
import { plural } from "../plural.js";

export function answerText(answer: FilterAnswer): string {
  return answer.known ? verdictText(answer.verdict) : answer.verdicts.map(verdictText).join(" or ");
}

function place(group: DeniedCalls): string {
  const { pos, pid } = group.first;
  const many = group.calls > 1 ? ` (${plural(group.calls, "call")}, ${plural(group.pids.length, "pid")})` : "";
  return `${pos.file}:${pos.line}: pid ${pid}: ${group.arch} ${group.syscall}${many}`;
}

export function verificationText(result: SeccompVerification, profileFile: string): string {
  const denied = result.denied.map((group) => `${place(group)}: ${answerText(group.answer)}: ${group.reason}`);
  const fallbacks = result.fallbacks.map((group) => `${place(group)}: not a finding: ${group.reason}`);
  const deniedCalls = result.denied.reduce((sum, group) => sum + group.calls, 0);
  const summary =
    deniedCalls === 0
      ? `${profileFile}: all ${plural(result.calls, "traced call")} would run`
      : `${profileFile}: ${deniedCalls} of ${plural(result.calls, "traced call")} would be refused (${plural(result.denied.length, "finding")})`;
  return [...denied, ...fallbacks, summary].map((line) => `${line}\n`).join("");
}

export function verificationJson(result: SeccompVerification, profileFile: string): string {
  const group = (g: DeniedCalls) => ({
    arch: g.arch,
    syscall: g.syscall,
    answer: g.answer,
    args: g.args,
    reason: g.reason,
    first: { file: g.first.pos.file, line: g.first.pos.line, pid: g.first.pid },
    calls: g.calls,
    pids: g.pids,
  });
  const document = {
    kind: result.kind,
    profile: profileFile,
    calls: result.calls,
    denied: result.denied.map(group),
    fallbacks: result.fallbacks.map(group),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
