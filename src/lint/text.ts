/** `profilesmith lint`'s report: one line per finding, then the comparison with Docker's default profile. */
import { DOCKER_DEFAULT_SOURCE } from "./reference.js";
import type { SeccompLint, SeccompLintCheck } from "./seccomp.js";
import { plural } from "../plural.js";

const CHECK_WORDS: Readonly<Record<SeccompLintCheck, string>> = {
  risky: "risky",
  "no-op": "no-op rule",
  "unknown-name": "unknown name",
  "too-new": "too new",
};

export function lintText(lint: SeccompLint, file: string): string {
  const findings = lint.findings.map((finding) => {
    const subject = finding.subject.startsWith(`${file}: `) ? finding.subject : `${file}: ${finding.subject}`;
    const arches = finding.arches.length === 0 ? "" : ` (${finding.arches.join(", ")})`;
    return `${subject}: ${CHECK_WORDS[finding.check]}${arches}: ${finding.reason}`;
  });
  const comparison = lint.reference.map(
    (c) =>
      `  ${c.arch}: allows ${c.allows} calls, Docker's ${c.referenceAllows}; beyond Docker's: ` +
      (c.beyondReference.length === 0 ? "none" : c.beyondReference.join(", ")),
  );
  const count = lint.findings.length;
  return [
    ...findings,
    `${file}: ${count === 0 ? "no findings" : plural(count, "finding")}`,
    "",
    `Compared with Docker's default profile (${DOCKER_DEFAULT_SOURCE}, no added capabilities):`,
    ...comparison,
  ]
    .map((line) => `${line}\n`)
    .join("");
}

export function lintJson(lint: SeccompLint, file: string): string {
  return `${JSON.stringify({ kind: lint.kind, profile: file, findings: lint.findings, reference: lint.reference }, null, 2)}\n`;
}
