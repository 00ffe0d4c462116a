import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import type { AuditEvent } from "../../events/types.js";
import { InputError, UsageError } from "../../errors.js";
import { parseAudit, type AuditFilter } from "../../parse/audit/index.js";
import { readAppArmorProfile } from "../../apparmor/read.js";
import { renderProfile } from "../../apparmor/render.js";
import {
  addedLine,
  addedRuleLine,
  isAppArmorProfileText,
  readProfileDocument,
  refineAppArmor,
  refineSeccomp,
  unchangedAccessLine,
  unchangedLine,
} from "../../refine/index.js";
import { readText } from "../../verify/profile-file.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { writeOutput } from "../output.js";

const HELP = `Usage: profilesmith refine PROFILE --from-audit LOG [OPTIONS]

Add to a seccomp or AppArmor profile what a kernel audit log shows it did not
allow, typically after running the workload under the profile made with
\`profilesmith seccomp --complain\` (SCMP_ACT_LOG: calls are logged, not denied)
or \`profilesmith apparmor --complain\` (flags=(complain): accesses are logged
as apparmor="ALLOWED", not denied).
PROFILE may be in any format profilesmith writes (Docker, OCI linux.seccomp or a
whole config.json, SPO); the refined profile is written in the same format.
LOG holds the kernel's seccomp records (type=1326 / SECCOMP) as dmesg,
journalctl -k or /var/log/audit/audit.log show them; "-" reads standard input.

Each call is added for the ABI its records name; one line per call says what
was added, how many records showed it and where the first is. Seccomp records
carry no arguments: a call the profile allows only for some argument values
(socket families, clone flags) is never widened; it is reported (exit 1) and
left as it is. Explicit denies in the profile stay too. The refined profile
enforces (default action EPERM) unless --keep-complain. Running refine again
with the same log changes nothing.

An AppArmor profile (detected by its text) learns from the ALLOWED and DENIED
type=1400 records of its name and its children (NAME//null-… after an exec in
complain mode): one rule per path, capability, network family and type, signal
or ptrace access, each printed with the first record that asked for it. The
kernel logs resolved paths; per-run names (pids, mktemp names, hex ids) become
the same narrow globs profilesmith apparmor writes, and nothing wider. Records
it cannot turn into a rule (mount, unnamed files, accesses a deny rule
refuses) are reported (exit 1). flags=(complain) is removed unless
--keep-complain. AppArmor records carry no exe= (--exe is refused): use --comm
or --pid.

Options:
      --from-audit LOG   the audit log to learn from (required)
  -o, --output FILE      write the refined profile to FILE (atomically; "-" for
                         stdout) instead of replacing PROFILE in place
      --comm NAME        only records of processes with this comm; repeatable
      --exe PATH         only records of processes running this executable; repeatable
      --pid PID          only records of this process id; repeatable
      --keep-complain    keep the SCMP_ACT_LOG default or flags=(complain) (go on learning)
  -h, --help             show this help

Examples:
  profilesmith seccomp app.strace --complain -o app.json
  dmesg -C; docker run --security-opt seccomp=app.json IMAGE; dmesg > app.log
  profilesmith refine app.json --from-audit app.log --exe /usr/bin/app
  profilesmith refine app.json --from-audit /var/log/audit/audit.log --comm app -o app.enforce.json
  profilesmith apparmor app.strace --name app --complain -o app.apparmor
  dmesg -C; aa-exec -p app -- ./app; dmesg > app.log; profilesmith refine app.apparmor --from-audit app.log

Exit codes: 0 refined (or nothing to add), 1 some calls or accesses the log
shows refused were left unchanged (each named on stderr; the rest is written), 2 usage or input
error (nothing is written).
`;

const OPTIONS = {
  "from-audit": { type: "string" },
  output: { type: "string", short: "o" },
  comm: { type: "string", multiple: true },
  exe: { type: "string", multiple: true },
  pid: { type: "string", multiple: true },
  "keep-complain": { type: "boolean" },
} as const;

function parsePids(values: readonly string[] | undefined): number[] | undefined {
  return values?.map((value) => {
    if (!/^[1-9]\d{0,9}$/.test(value)) throw new UsageError(`--pid "${value}" is not a process id`);
    return Number(value);
  });
}

async function* auditEvents(path: string, filter: AuditFilter, io: CliIo): AsyncGenerator<AuditEvent> {
  const file = path === "-" ? "<stdin>" : path;
  try {
    yield* parseAudit(path === "-" ? io.stdin : createReadStream(resolve(io.cwd, path)), { file, filter });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error));
    throw new InputError(`${file}: cannot read (${why})`);
  }
}

interface Refinement {
  readonly output: string;
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
  readonly report: readonly string[];
  readonly unchanged: readonly string[];
}

async function refineSeccompText(text: string, file: string, events: AsyncIterable<AuditEvent>, keepComplain: boolean): Promise<Refinement> {
  const document = readProfileDocument(text, file);
  const refined = await refineSeccomp(document.read.profile, events, { keepComplain });
  const report = refined.added.map(addedLine);
  if (refined.leftComplain) report.push("default action: SCMP_ACT_ERRNO (EPERM), was SCMP_ACT_LOG (complain mode)");
  return {
    output: document.render(refined.profile),
    warnings: [...document.read.warnings, ...refined.warnings],
    notes: refined.notes,
    report: report.length > 0 ? report : ["nothing to add"],
    unchanged: refined.unchanged.map(unchangedLine),
  };
}

async function refineAppArmorText(text: string, file: string, events: AsyncIterable<AuditEvent>, keepComplain: boolean): Promise<Refinement> {
  const refined = await refineAppArmor(readAppArmorProfile(text, file), events, { keepComplain });
  const report = refined.added.map(addedRuleLine);
  if (refined.leftComplain) report.push("flags: complain removed (the profile enforces)");
  return {
    output: renderProfile(refined.profile),
    warnings: refined.warnings,
    notes: refined.notes,
    report: report.length > 0 ? report : ["nothing to add"],
    unchanged: refined.unchanged.map(unchangedAccessLine),
  };
}

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  const [profilePath, ...extra] = positionals;
  if (profilePath === undefined || extra.length > 0) throw new UsageError("give one PROFILE (see --help)");
  if (profilePath === "-") throw new UsageError("PROFILE must be a file (it is refined in place unless -o)");
  const log = values["from-audit"];
  if (log === undefined) throw new UsageError("--from-audit LOG is required (see --help)");
  const filter: AuditFilter = { comm: values.comm, exe: values.exe, pid: parsePids(values.pid) };

  const text = await readText(profilePath, io.cwd);
  const appArmor = isAppArmorProfileText(text);
  if (appArmor && values.exe !== undefined) throw new UsageError("AppArmor records carry no exe=: select processes with --comm or --pid");
  const refine = appArmor ? refineAppArmorText : refineSeccompText;
  const refined = await refine(text, profilePath, auditEvents(log, filter, io), values["keep-complain"] ?? false);

  const say = (line: string) => io.stderr.write(`profilesmith refine: ${line}\n`);
  for (const warning of refined.warnings) say(`warning: ${warning}`);
  for (const note of refined.notes) say(`note: ${note}`);
  // The report goes to stdout unless the profile does.
  const report = values.output === "-" ? say : (line: string) => io.stdout.write(`${line}\n`);
  for (const line of refined.report) report(line);
  for (const line of refined.unchanged) say(line);

  if (values.output !== undefined) await writeOutput(refined.output, values.output, io);
  else if (refined.output !== text) await writeOutput(refined.output, profilePath, io);
  return refined.unchanged.length > 0 ? EXIT.findings : EXIT.ok;
}

export const refineCommand: Command = { help: HELP, run };
