import { UsageError } from "../../errors.js";
import { appArmorDiffJson, appArmorDiffText, diffAppArmor, diffJson, diffSeccomp, diffText } from "../../diff/index.js";
import { readProfileFile } from "../../verify/index.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";

const HELP = `Usage: profilesmith diff A B [OPTIONS]

Compare two seccomp profiles by what they do, not how they are written: per ABI, the calls
only one of them allows, and every other call the two answer differently (argument
conditions, errno values, actions), and how each answers calls it has no rule for. Either
file may be in Docker, OCI (a linux.seccomp object or a whole config.json) or SPO format, so
a Docker and an OCI rendering of the same profile are equal.

Two AppArmor profiles (told apart by content) are compared rule by rule: the rules only one
of them has, by kind (capability, network, signal, ptrace, unix, file, mount, ...), and the
paths both grant with other permissions; comments and order do not count, and file rules
for one path count together (/a r, and /a w, equal /a rw,). Both files must be of one kind.

Options:
      --json     print the differences as JSON
  -h, --help     show this help

Examples:
  profilesmith diff committed.json fresh.json
  profilesmith seccomp app.strace --format oci > oci.json && profilesmith diff app.json oci.json
  profilesmith diff old.json new.json --json | jq '.arches[].calls[].syscall'
  profilesmith diff profiles/app.apparmor fresh.apparmor

Exit codes: 0 the profiles answer every call alike (have the same rules), 1 they differ,
2 usage or input error (a seccomp and an AppArmor profile cannot be compared).
`;

const OPTIONS = { json: { type: "boolean" } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  const [fileA, fileB, ...extra] = positionals;
  if (fileA === undefined || fileB === undefined || extra.length > 0) {
    throw new UsageError("give exactly two profiles to compare, A and B (see --help)");
  }
  const [a, b] = await Promise.all([readProfileFile(fileA, io.cwd), readProfileFile(fileB, io.cwd)]);
  if (a.kind === "apparmor" && b.kind === "apparmor") {
    const diff = diffAppArmor(a.document, b.document);
    io.stdout.write(values.json ? appArmorDiffJson(diff, a.file, b.file) : appArmorDiffText(diff, a.file, b.file));
    return diff.same ? EXIT.ok : EXIT.findings;
  }
  if (a.kind !== "seccomp" || b.kind !== "seccomp") {
    throw new UsageError(`cannot compare a ${a.kind} profile (${a.file}) with a ${b.kind} profile (${b.file})`);
  }
  const diff = diffSeccomp(a.profile, b.profile);
  io.stdout.write(values.json ? diffJson(diff, a.file, b.file) : diffText(diff, a.file, b.file));
  return diff.same ? EXIT.ok : EXIT.findings;
}

export const diffCommand: Command = { help: HELP, run };
