import { auditMessages, unparsedWarning, type TraceReport } from "../parse/index.js";
import type { CliIo } from "./command.js";
import { styleFor } from "./style.js";

/**
 * Says on stderr what reading the traces and generating from them left to
 * know: lines not understood, incomplete audit logs, the generator's warnings
 * and notes. Nothing is dropped silently.
 */
export function writeDiagnostics(
  io: CliIo,
  command: string,
  report: TraceReport,
  generated: { readonly warnings: readonly string[]; readonly notes: readonly string[] },
): void {
  const style = styleFor(io.stderr, io.env);
  const say = (line: string) => io.stderr.write(`profilesmith ${command}: ${line}\n`);
  const unparsed = unparsedWarning(report);
  const audit = auditMessages(report);
  if (unparsed !== undefined) say(style.warning(unparsed));
  for (const warning of [...audit.warnings, ...generated.warnings]) say(style.warning(`warning: ${warning}`));
  for (const note of [...audit.notes, ...generated.notes]) say(`note: ${note}`);
}
