import { basename, relative } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { WORKLOAD_NAME } from "../../check/manifest.js";
import { UsageError } from "../../errors.js";
import { record, RECORD_FILES } from "../../record/index.js";
import type { CliIo, Command } from "../command.js";

const HELP = `Usage: profilesmith record [-o DIR] [--name NAME] [--] COMMAND [ARGS...]

Run COMMAND under strace (-f -n -yy -s 256 -e quiet=attach), then write into DIR
what \`profilesmith check\` needs to regenerate its profiles anywhere:

  ${RECORD_FILES.manifest.padEnd(19)}the manifest: inputs and options of each profile
  ${RECORD_FILES.trace.padEnd(19)}the trace
  ${RECORD_FILES.symlinks.padEnd(19)}every symlink the trace's paths go through, with its target
  ${RECORD_FILES.seccomp.padEnd(19)}the seccomp profile (Docker format, with runc's baseline)
  ${RECORD_FILES.apparmor.padEnd(19)}the AppArmor profile, named NAME

COMMAND keeps this terminal's stdin, stdout and stderr; SIGINT, SIGTERM and
SIGHUP are passed on to it, so stop a server with Ctrl-C or kill and its profile
is still written. A COMMAND given by a relative path (./app) is run by its
absolute path, which the profiles can name.

Files of these names in DIR are replaced, except a manifest already there: it is
kept with its name and options, and all its profiles are regenerated (it must
list ${RECORD_FILES.trace}). Edit the manifest (format, runtime, ...) and run
\`profilesmith check --write DIR\` to regenerate.

Record where the workload will run: libc and paths differ between the host and
an image. Inside a container, run strace there (docker run --cap-add SYS_PTRACE
IMAGE strace -f -n -yy -s 256 -o /out/trace.strace -- COMMAND) and generate from
that trace; the AppArmor profile names paths, so give \`profilesmith apparmor\`
the unpacked image with --root.

Options:
  -o, --output DIR   where to write (default: ./profilesmith-NAME)
      --name NAME    the workload's name, and the AppArmor profile's (default:
                     COMMAND's file name); lowercase letters, digits, '-' and '.'
  -h, --help         show this help

Examples:
  profilesmith record -- node server.js           # Ctrl-C when done; writes ./profilesmith-node
  profilesmith record -o profiles/web --name web -- python3 -m http.server 8000
  sudo apparmor_parser -r profilesmith-node/apparmor.profile
  docker run --security-opt seccomp=profilesmith-node/seccomp.json --security-opt apparmor=node IMAGE node server.js

Exit status: COMMAND's own (128+N when a signal N killed it). When strace is
missing, may not trace (ptrace not permitted), or COMMAND does not start, a
message says so on stderr, nothing is written and the status is 2, which COMMAND
could also have returned: the message tells them apart.
`;

const OPTIONS = {
  output: { type: "string", short: "o" },
  name: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

/** The default name: the command's file name, in the letters a name allows. */
function nameOf(command: string): string {
  const name = basename(command)
    .toLowerCase()
    .replace(/[^-a-z0-9.]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return name === "" ? "workload" : name;
}

/** Splits argv at the first word that is not one of record's options (or at `--`): record's options, then the command. */
function parseCommandLine(argv: readonly string[]) {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const split = tokens.find((token) => token.kind === "positional" || token.kind === "option-terminator");
  const end = split === undefined ? argv.length : split.index;
  const command = argv.slice(split?.kind === "option-terminator" ? end + 1 : end);
  try {
    const { values } = parseArgs({ args: argv.slice(0, end), options: OPTIONS, strict: true, allowPositionals: false });
    return { values, command };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, command } = parseCommandLine(argv);
  const [program, ...args] = command;
  if (program === undefined) throw new UsageError("give the command to record after -- (see --help)");
  if (values.name !== undefined && !WORKLOAD_NAME.test(values.name)) {
    throw new UsageError(`--name "${values.name}": use lowercase letters, digits, '-' and '.'`);
  }
  const name = values.name ?? nameOf(program);
  const recorded = await record({ command: program, args, dir: values.output ?? `profilesmith-${name}`, name }, io);
  for (const warning of recorded.warnings) io.stderr.write(`profilesmith record: ${warning}\n`);
  for (const note of recorded.notes) io.stderr.write(`profilesmith record: ${note}\n`);
  const written = recorded.files.map((file) => relative(io.cwd, file)).join(", ");
  io.stderr.write(`profilesmith record: ${program} exited with ${recorded.status}; wrote ${written}\n`);
  // The command's own status passes through: record is transparent to scripts.
  return recorded.status;
}

export const recordCommand: Command = { help: HELP, run };
