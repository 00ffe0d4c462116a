import { UsageError } from "../../errors.js";
import { auditMessages, readTraces, unparsedWarning, type TraceReading } from "../../parse/index.js";
import {
  appArmorVerificationJson,
  appArmorVerificationText,
  readAppArmorProfileFile,
  readSeccompProfileFile,
  verificationJson,
  verificationText,
  verifyAppArmor,
  verifySeccomp,
} from "../../verify/index.js";
import { parseCommandLine, rootDirectory } from "../args.js";
import { symlinksBesideTraces } from "../../record/symlinks.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { terminalProgress } from "../progress.js";
import { styleFor } from "../style.js";

const HELP = `Usage: profilesmith verify (--seccomp FILE | --apparmor FILE) TRACE... [OPTIONS]

Replay strace logs against a seccomp profile (Docker, OCI or SPO format) and print every
traced call the filter would refuse: where it first happens (file:line, pid), the ABI and
call, the filter's answer and the rule missing, with how often it happens. The profile is
judged as runc 1.1.5 and crun 1.8.1 load it (their libseccomp 2.5.4 drops rules naming calls
it does not know). A call the profile answers ENOSYS is listed but is not a finding when
the workload goes on after that answer: the trace shows it failing with ENOSYS already, or
callers fall back from it to a call the profile allows (clone3 to clone with the same flags,
statx to newfstatat, ...: generated profiles answer clone3 that way, as Docker's does).
TRACE is a file written by strace -f (or -ff); "-" reads standard input. A kernel log with
seccomp audit records (dmesg, journalctl -k, audit.log) is read as one too, by its content.

With --apparmor, the traces' file accesses (at the paths the kernel resolves: trace with -yy,
or give --root), execs, socket families and types, capabilities and ptrace are asked of the
AppArmor profile (with abstractions/base) exactly as profilesmith apparmor observes them, and
every access it would deny is printed: where it first happens (file:line, pid), what was
asked (path and permissions, or rule kind) and the rule missing, or the deny rule in the way.
A symlinks.json beside a trace (written by profilesmith record) resolves symlinks as there.

Options:
      --seccomp FILE   the seccomp profile to check
      --apparmor FILE  the AppArmor profile to check
      --root DIR       (--apparmor) the filesystem the traces were taken on: symlinks and
                       scripts' #! lines are read there
      --json           print the report as JSON
      --strict         fail on trace lines that cannot be parsed (default: warn)
  -h, --help           show this help

Examples:
  profilesmith verify --seccomp app.json app.strace
  profilesmith verify --seccomp profiles/app.json traces/*.strace --json | jq '.denied[].syscall'
  strace -f ./app 2>&1 >/dev/null | profilesmith verify --seccomp app.json -
  profilesmith verify --apparmor app.apparmor app.strace --root /

Exit codes: 0 every traced call (access) would run, 1 some would be refused, 2 usage or input error.
`;

const OPTIONS = {
  seccomp: { type: "string" },
  apparmor: { type: "string" },
  root: { type: "string" },
  json: { type: "boolean" },
  strict: { type: "boolean" },
} as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if ((values.seccomp === undefined) === (values.apparmor === undefined)) {
    throw new UsageError("give the profile to check with --seccomp FILE or --apparmor FILE (one of them; see --help)");
  }
  if (values.root !== undefined && values.apparmor === undefined) throw new UsageError("--root goes with --apparmor (see --help)");
  if (positionals.length === 0) throw new UsageError("give at least one trace (or - for stdin) (see --help)");
  const reading = readTraces(positionals, {
    strict: values.strict ?? false,
    stdin: io.stdin,
    cwd: io.cwd,
    progress: terminalProgress(io.stderr),
  });
  if (values.apparmor !== undefined) {
    const recordedSymlinks = symlinksBesideTraces(positionals, io.cwd);
    return runAppArmor(values.apparmor, { root: values.root, recordedSymlinks }, reading, values.json ?? false, io);
  }
  const profileFile = await readSeccompProfileFile(values.seccomp as string, io.cwd);
  const result = await verifySeccomp(profileFile.profile, reading.batches);
  warn(profileFile.warnings, reading, io);
  const report = values.json
    ? verificationJson(result, profileFile.file)
    : styleFor(io.stdout, io.env).refusedLines(verificationText(result, profileFile.file), result.denied.length);
  io.stdout.write(report);
  return result.denied.length > 0 ? EXIT.findings : EXIT.ok;
}

/** The profile's or verifier's warnings and notes, the unparsed-lines warning and what the audit logs held, on stderr. */
function warn(warnings: readonly string[], reading: TraceReading, io: CliIo, notes: readonly string[] = []): void {
  const style = styleFor(io.stderr, io.env);
  const report = reading.report();
  const audit = auditMessages(report);
  for (const warning of [...warnings, ...audit.warnings]) {
    io.stderr.write(`profilesmith verify: ${style.warning(`warning: ${warning}`)}\n`);
  }
  const unparsed = unparsedWarning(report);
  if (unparsed !== undefined) io.stderr.write(`profilesmith verify: ${style.warning(unparsed)}\n`);
  for (const note of [...notes, ...audit.notes]) io.stderr.write(`profilesmith verify: note: ${note}\n`);
}

interface FilesystemOptions {
  /** `--root` as given. */
  readonly root: string | undefined;
  readonly recordedSymlinks: ReadonlyMap<string, string> | undefined;
}

async function runAppArmor(file: string, filesystem: FilesystemOptions, reading: TraceReading, json: boolean, io: CliIo): Promise<ExitCode> {
  const profileFile = await readAppArmorProfileFile(file, io.cwd);
  const root = rootDirectory(filesystem.root, io.cwd);
  const { recordedSymlinks } = filesystem;
  const result = await verifyAppArmor(profileFile.document.profile, reading.withRecords, { root, recordedSymlinks });
  warn(result.warnings, reading, io, result.notes);
  const report = json
    ? appArmorVerificationJson(result, file)
    : styleFor(io.stdout, io.env).refusedLines(appArmorVerificationText(result, file), result.denied.length);
  io.stdout.write(report);
  return result.denied.length > 0 ? EXIT.findings : EXIT.ok;
}

export const verifyCommand: Command = { help: HELP, run };
