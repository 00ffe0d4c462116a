import { APPARMOR_CALLS, APPARMOR_DECODED_KINDS, appArmorTraceWorkers, generateAppArmor } from "../../apparmor/index.js";
import { UsageError } from "../../errors.js";
import { readTraces } from "../../parse/index.js";
import { symlinksBesideTraces } from "../../record/symlinks.js";
import { loadAllowlists } from "../allowlists.js";
import { parseCommandLine, parseJobs, scanAheadFor, rootDirectory } from "../args.js";
import { readingCores } from "../../worker-thread.js";
import { writeDiagnostics } from "../diagnostics.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { writeOutput } from "../output.js";
import { terminalProgress } from "../progress.js";

const HELP = `Usage: profilesmith apparmor [TRACE...] --name NAME [OPTIONS]

Generate a least-privilege AppArmor profile for a container from strace logs and allowlists.
TRACE is a file written by strace (-f, -ff, -o; -y or -yy recommended: they show the
paths the kernel resolved); "-" reads standard input. A symlinks.json beside a trace
(written by profilesmith record) resolves symlinks the way the traced machine did.
A kernel audit log (dmesg, journalctl -k, audit.log) as TRACE grants what its AppArmor ALLOWED
and DENIED records of NAME and its children (NAME//…) asked, or all when it names one profile.

Options:
      --name NAME          the profile's name (letters, digits, _ . -): what
                           aa-exec -p and docker --security-opt apparmor= name
  -o, --output FILE        write the profile to FILE (atomically) instead of stdout
      --allow FILE         an allowlist (YAML or JSON) whose apparmor: section is merged; repeatable
      --root DIR           the filesystem the traces were taken on (/ or an unpacked image):
                           symlinks and scripts' #! lines are read there, never outside DIR
      --no-implicit-caps   do not grant dac_override, dac_read_search, fowner, fsetid to a
                           workload that runs as root
      --complain           complain mode (flags=(complain)): accesses the profile lacks are
                           logged (apparmor="ALLOWED"), not denied; see profilesmith refine
      --explain            list, on stderr, the observed paths each glob rule covers
      --strict             fail on trace lines that cannot be parsed (default: warn)
      --jobs N             read several traces (-ff files) on N threads side by side while
                           this one follows their events in order (default: one per core
                           beside this one's, when that makes two or more; else 1, which
                           reads them in turn, a trace of 32 MiB or more with a second
                           thread reading ahead; --jobs 1 reads in this thread alone)
  -h, --help               show this help

Examples:
  strace -f -yy -o app.strace ./app && profilesmith apparmor app.strace --name app --root / -o app.apparmor
  sudo apparmor_parser -r app.apparmor && docker run --security-opt apparmor=app IMAGE
  profilesmith apparmor app.strace --name app --complain -o app.apparmor   # then: profilesmith refine app.apparmor --from-audit LOG
  profilesmith apparmor trace.* --name web --allow extra.yaml --root rootfs/ --explain

Exit codes: 0 success, 2 usage or input error (nothing is written).
`;

const OPTIONS = {
  name: { type: "string" },
  output: { type: "string", short: "o" },
  allow: { type: "string", multiple: true },
  root: { type: "string" },
  "no-implicit-caps": { type: "boolean" },
  complain: { type: "boolean" },
  explain: { type: "boolean" },
  strict: { type: "boolean" },
  jobs: { type: "string" },
} as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.name === undefined) throw new UsageError("--name NAME is required (see --help)");
  if (positionals.length === 0 && (values.allow ?? []).length === 0) {
    throw new UsageError("give at least one trace (or - for stdin) or --allow file (see --help)");
  }
  const root = rootDirectory(values.root, io.cwd);
  const allowlists = await loadAllowlists(values.allow ?? [], io.cwd);
  const jobs = parseJobs(values.jobs);
  const reading = readTraces(positionals, {
    strict: values.strict ?? false,
    stdin: io.stdin,
    cwd: io.cwd,
    decode: APPARMOR_DECODED_KINDS,
    detailed: APPARMOR_CALLS,
    progress: terminalProgress(io.stderr),
    // Taking a worker's events costs this thread about two thirds of what reading them itself would,
    // so workers gain only with two cores of their own (on two cores in all, measured slower).
    workers: appArmorTraceWorkers(jobs ?? readingCores()),
    scanAhead: scanAheadFor(jobs),
  });
  const generated = await generateAppArmor({
    name: values.name,
    traces: [reading.recordBatches],
    allowlists,
    root,
    recordedSymlinks: symlinksBesideTraces(positionals, io.cwd),
    implicitCapabilities: !values["no-implicit-caps"],
    complain: values.complain ?? false,
  });
  writeDiagnostics(io, "apparmor", reading.report(), generated);
  if (values.explain) for (const line of generated.explanation) io.stderr.write(`${line}\n`);
  await writeOutput(generated.text, values.output, io);
  return EXIT.ok;
}

export const apparmorCommand: Command = { help: HELP, run };
