/**
 * `profilesmith diff`'s report. Per ABI: how each side treats calls without
 * rules when that differs, the calls only one side allows (always, on one
 * line), then one line per other call the two answer differently.
 */
import { conditionsText, letsCallRun, verdictText } from "../verify/describe.js";
import type { ArchDifference, ArchTreatment, CallBehaviour, CallDifference, SeccompDiff } from "./seccomp.js";

/** Whether the call runs whatever its arguments, never, or under some arguments. */
function allowance(b: CallBehaviour): "always" | "never" | "sometimes" {
  if (b.rules.length === 0) return letsCallRun(b.otherwise) ? "always" : "never";
  return b.rules.some((rule) => letsCallRun(rule.verdict)) || letsCallRun(b.otherwise) ? "sometimes" : "never";
}

export function behaviourText(syscall: string, b: CallBehaviour): string {
  if (b.rules.length === 0) return verdictText(b.otherwise);
  const rules = b.rules.map((rule) => `${verdictText(rule.verdict)} when ${conditionsText(syscall, rule.args)}`);
  return `${rules.join("; ")}; otherwise ${verdictText(b.otherwise)}`;
}

function treatmentText(t: ArchTreatment): string {
  return t.filtered ? `calls without a rule get ${verdictText(t.otherwise)}` : `not filtered: every call gets ${verdictText(t.otherwise)}`;
}

function onlyAllowedBy(calls: readonly CallDifference[], side: "a" | "b"): string[] {
  const other = side === "a" ? "b" : "a";
  return calls.filter((c) => allowance(c[side]) === "always" && allowance(c[other]) === "never").map((c) => c.syscall);
}

function archLines(d: ArchDifference, fileA: string, fileB: string): string[] {
  const lines: string[] = [];
  if (d.otherwiseDiffers) lines.push(`${d.arch}: ${fileA}: ${treatmentText(d.a)}; ${fileB}: ${treatmentText(d.b)}`);
  const onlyA = onlyAllowedBy(d.calls, "a");
  const onlyB = onlyAllowedBy(d.calls, "b");
  if (onlyA.length > 0) lines.push(`${d.arch}: only ${fileA} allows: ${onlyA.join(", ")}`);
  if (onlyB.length > 0) lines.push(`${d.arch}: only ${fileB} allows: ${onlyB.join(", ")}`);
  for (const call of d.calls) {
    if (onlyA.includes(call.syscall) || onlyB.includes(call.syscall)) continue;
    lines.push(`${d.arch} ${call.syscall}: ${fileA}: ${behaviourText(call.syscall, call.a)} | ${fileB}: ${behaviourText(call.syscall, call.b)}`);
  }
  return lines;
}

export function diffText(diff: SeccompDiff, fileA: string, fileB: string): string {
  const lines = diff.same
    ? [`${fileA} and ${fileB} answer every call alike`]
    : diff.arches.flatMap((d) => archLines(d, fileA, fileB));
  return lines.map((line) => `${line}\n`).join("");
}

export function diffJson(diff: SeccompDiff, fileA: string, fileB: string): string {
  return `${JSON.stringify({ kind: diff.kind, a: fileA, b: fileB, same: diff.same, arches: diff.arches }, null, 2)}\n`;
}
