import { UsageError } from "../../errors.js";
import { readTraces, unparsedWarning } from "../../parse/index.js";
import { readSeccompProfileFile, verificationJson, verificationText, verifySeccomp } from "../../verify/index.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { terminalProgress } from "../progress.js";

const HELP = `Usage: profilesmith verify --seccomp FILE TRACE... [OPTIONS]

Replay strace logs against a seccomp profile (Docker, OCI or SPO format) and print every
traced call the filter would refuse: where it first happens (file:line, pid), the ABI and
call, the filter's answer and the rule missing, with how often it happens. The profile is
judged as runc 1.1.5 and crun 1.8.1 load it (their libseccomp 2.5.4 drops rules naming calls
it does not know). A call the profile answers ENOSYS is listed but is not a finding when
the workload goes on after that answer: the trace shows it failing with ENOSYS already, or
callers fall back from it to a call the profile allows (clone3 to clone with the same flags,
statx to newfstatat, ...: generated profiles answer clone3 that way, as Docker's does).
TRACE is a file written by strace -f (or -ff); "-" reads standard input.

Options:
      --seccomp FILE   the seccomp profile to check (required)
      --json           print the report as JSON
      --strict         fail on trace lines that cannot be parsed (default: warn)
  -h, --help           show this help

Examples:
  profilesmith verify --seccomp app.json app.strace
  profilesmith verify --seccomp profiles/app.json traces/*.strace --json | jq '.denied[].syscall'
  strace -f ./app 2>&1 >/dev/null | profilesmith verify --seccomp app.json -

Exit codes: 0 every traced call would run, 1 some would be refused, 2 usage or input error.
`;

const OPTIONS = {
  seccomp: { type: "string" },
  json: { type: "boolean" },
  strict: { type: "boolean" },
} as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.seccomp === undefined) throw new UsageError("give the profile to check with --seccomp FILE (see --help)");
  if (positionals.length === 0) throw new UsageError("give at least one trace (or - for stdin) (see --help)");
  const profileFile = await readSeccompProfileFile(values.seccomp, io.cwd);
  const reading = readTraces(positionals, { strict: values.strict ?? false, stdin: io.stdin, progress: terminalProgress(io.stderr) });
  const result = await verifySeccomp(profileFile.profile, reading.events);
  for (const warning of profileFile.warnings) io.stderr.write(`profilesmith verify: warning: ${warning}\n`);
  const unparsed = unparsedWarning(reading.report());
  if (unparsed !== undefined) io.stderr.write(`profilesmith verify: ${unparsed}\n`);
  const report = values.json ? verificationJson(result, profileFile.file) : verificationText(result, profileFile.file);
  io.stdout.write(report);
  return result.denied.length > 0 ? EXIT.findings : EXIT.ok;
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "replay traces against a profile and list every call it would refuse",
  help: HELP,
  run,
};
