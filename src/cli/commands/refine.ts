import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import type { AuditEvent } from "../../events/types.js";
import { InputError, UsageError } from "../../errors.js";
import { parseAudit, type AuditFilter } from "../../parse/audit/index.js";
import { addedLine, readProfileDocument, refineSeccomp, unchangedLine } from "../../refine/index.js";
import { readText } from "../../verify/profile-file.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { writeOutput } from "../output.js";

const HELP = `Usage: profilesmith refine PROFILE --from-audit LOG [OPTIONS]

Add to a seccomp profile the calls a kernel audit log shows it did not allow,
typically after running the workload under the profile made with
\`profilesmith seccomp --complain\` (SCMP_ACT_LOG: calls are logged, not denied).
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

Options:
      --from-audit LOG   the audit log to learn from (required)
  -o, --output FILE      write the refined profile to FILE (atomically; "-" for
                         stdout) instead of replacing PROFILE in place
      --comm NAME        only records of processes with this comm; repeatable
      --exe PATH         only records of processes running this executable; repeatable
      --pid PID          only records of this process id; repeatable
      --keep-complain    keep the SCMP_ACT_LOG default (go on learning)
  -h, --help             show this help

Examples:
  profilesmith seccomp app.strace --complain -o app.json
  dmesg -C; docker run --security-opt seccomp=app.json IMAGE; dmesg > app.log
  profilesmith refine app.json --from-audit app.log --exe /usr/bin/app
  profilesmith refine app.json --from-audit /var/log/audit/audit.log --comm app -o app.enforce.json

Exit codes: 0 refined (or nothing to add), 1 some calls the log shows refused
were left unchanged (each named on stderr; the rest is written), 2 usage or input
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

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  const [profilePath, ...extra] = positionals;
  if (profilePath === undefined || extra.length > 0) throw new UsageError("give one PROFILE (see --help)");
  if (profilePath === "-") throw new UsageError("PROFILE must be a file (it is refined in place unless -o)");
  const log = values["from-audit"];
  if (log === undefined) throw new UsageError("--from-audit LOG is required (see --help)");
  const filter: AuditFilter = { comm: values.comm, exe: values.exe, pid: parsePids(values.pid) };

  const text = await readText(profilePath, io.cwd);
  const document = readProfileDocument(text, profilePath);
  const refined = await refineSeccomp(document.read.profile, auditEvents(log, filter, io), {
    keepComplain: values["keep-complain"] ?? false,
  });
  const output = document.render(refined.profile);

  const say = (line: string) => io.stderr.write(`profilesmith refine: ${line}\n`);
  for (const warning of [...document.read.warnings, ...refined.warnings]) say(`warning: ${warning}`);
  for (const note of refined.notes) say(`note: ${note}`);
  // The report goes to stdout unless the profile does.
  const report = values.output === "-" ? say : (line: string) => io.stdout.write(`${line}\n`);
  for (const call of refined.added) report(addedLine(call));
  if (refined.leftComplain) report("default action: SCMP_ACT_ERRNO (EPERM), was SCMP_ACT_LOG (complain mode)");
  if (refined.added.length === 0 && !refined.leftComplain) report("nothing to add");
  for (const unchanged of refined.unchanged) say(unchangedLine(unchanged));

  if (values.output !== undefined) await writeOutput(output, values.output, io);
  else if (output !== text) await writeOutput(output, profilePath, io);
  return refined.unchanged.length > 0 ? EXIT.findings : EXIT.ok;
}

export const refineCommand: Command = {
  name: "refine",
  summary: "add to a seccomp profile what a kernel audit log shows it lacked (complain mode)",
  help: HELP,
  run,
};
