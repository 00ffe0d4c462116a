/**
 * Linting a seccomp profile: risky allowances, rules that do nothing, names
 * no ABI of the rule has, names too new for the libseccomp runtimes ship
 * (which drop them silently), and a summary against Docker's default profile.
 * The summary informs; everything else is a finding.
 */
import { LIBSECCOMP_VERSION, UNKNOWN_TO_LIBSECCOMP } from "../seccomp/libseccomp.js";
import { compareArches, sameVerdict, type SeccompProfile } from "../seccomp/profile.js";
import { isSyscall } from "../syscalls/index.js";
import type { Arch } from "../syscalls/arch.js";
import { indexRules } from "../verify/decide.js";
import { verdictText } from "../verify/describe.js";
import { compareWithReference, dockerDefaultProfile, type ReferenceComparison } from "./reference.js";
import { riskyAllowances } from "./risky.js";
import type { WrittenRule } from "./written-rules.js";

export type SeccompLintCheck = "risky" | "no-op" | "unknown-name" | "too-new";

export interface SeccompLintFinding {
  readonly kind: "seccomp";
  readonly check: SeccompLintCheck;
  /** The call (`ptrace`), or the rule's place in the file (`app.json: syscalls[3]`). */
  readonly subject: string;
  /** The ABIs the finding holds on, in ARCHES order. */
  readonly arches: readonly Arch[];
  readonly reason: string;
}

export interface SeccompLint {
  readonly kind: "seccomp";
  /** Sorted by check, then subject. */
  readonly findings: readonly SeccompLintFinding[];
  readonly reference: readonly ReferenceComparison[];
}

export interface LintSeccompOptions {
  /** The rules as the file writes them (see `writtenRules`): enables the no-op and unknown-name checks. */
  readonly written?: readonly WrittenRule[];
  /** What to compare with; default Docker's default profile. */
  readonly reference?: SeccompProfile;
}

const CHECK_ORDER: readonly SeccompLintCheck[] = ["risky", "unknown-name", "too-new", "no-op"];

/** Findings that differ only by ABI, as one finding over those ABIs. */
function byArches(items: readonly { arch: Arch; check: SeccompLintCheck; subject: string; reason: string }[]): SeccompLintFinding[] {
  const merged = new Map<string, { check: SeccompLintCheck; subject: string; reason: string; arches: Arch[] }>();
  for (const item of items) {
    const key = `${item.check}\0${item.subject}\0${item.reason}`;
    const entry = merged.get(key) ?? { check: item.check, subject: item.subject, reason: item.reason, arches: [] };
    if (!entry.arches.includes(item.arch)) entry.arches.push(item.arch);
    merged.set(key, entry);
  }
  return [...merged.values()].map((entry) => ({ kind: "seccomp", ...entry, arches: entry.arches.sort(compareArches) }));
}

function tooNew(profile: SeccompProfile) {
  return profile.rules
    .filter((rule) => UNKNOWN_TO_LIBSECCOMP[rule.arch].has(rule.name))
    .map((rule) => ({
      arch: rule.arch,
      check: "too-new" as const,
      subject: rule.name,
      reason:
        `unknown to libseccomp ${LIBSECCOMP_VERSION}: runc 1.1.5 and crun 1.8.1 drop the rule silently, ` +
        `so the call gets the default action (${verdictText(profile.defaultVerdict)})`,
    }));
}

function noOps(profile: SeccompProfile, written: readonly WrittenRule[]): SeccompLintFinding[] {
  return written
    .filter((rule) => sameVerdict(rule.verdict, profile.defaultVerdict))
    .map((rule) => ({
      kind: "seccomp",
      check: "no-op",
      subject: rule.where,
      arches: rule.arches,
      reason: `its action (${verdictText(rule.verdict)}) is the default action: the rule does nothing (runc skips it)`,
    }));
}

function unknownNames(written: readonly WrittenRule[]): SeccompLintFinding[] {
  return written.flatMap((rule) =>
    rule.arches.length === 0
      ? []
      : rule.names.flatMap((name, i) =>
          rule.arches.some((arch) => isSyscall(arch, name))
            ? []
            : [{
                kind: "seccomp" as const,
                check: "unknown-name" as const,
                subject: `${rule.where}.names[${i}]`,
                arches: rule.arches,
                reason: `"${name}" is not a syscall on ${rule.arches.join(", ")}: the rule cannot match it`,
              }],
        ),
  );
}

export function lintSeccomp(profile: SeccompProfile, options: LintSeccompOptions = {}): SeccompLint {
  const index = indexRules(profile);
  const risky = riskyAllowances(index).map((r) => ({ arch: r.arch, check: "risky" as const, subject: r.syscall, reason: r.why }));
  const findings = [
    ...byArches([...risky, ...tooNew(profile)]),
    ...noOps(profile, options.written ?? []),
    ...unknownNames(options.written ?? []),
  ].sort(
    (a, b) =>
      CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check) ||
      (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
      (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0),
  );
  return { kind: "seccomp", findings, reference: compareWithReference(index, options.reference ?? dockerDefaultProfile()) };
}
