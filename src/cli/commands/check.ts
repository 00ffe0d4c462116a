import { relative, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { checkJson, checkProfiles, profileDiff, type CheckedProfile } from "../../check/check.js";
import { MANIFEST_NAME } from "../../check/manifest.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { writeOutput } from "../output.js";

const HELP = `Usage: profilesmith check [DIR] [--write]

Regenerate every profile under DIR (default: the current directory) from its
committed traces and allowlists, and fail when a committed profile is stale or
missing, with a diff. Made for CI, like \`prettier --check\`.

Each directory with profiles holds a manifest, ${MANIFEST_NAME} (written by
\`profilesmith record\`), naming its inputs and how each profile is generated.
Every ${MANIFEST_NAME} under DIR is checked; hidden directories and node_modules
are skipped. Paths in a manifest are relative to it:

  version: 1
  name: web                      # SPO metadata.name, AppArmor profile name
  traces: [trace.strace]         # merged, as by profilesmith seccomp
  allowlists: [extra.yaml]       # optional
  profiles:
    - kind: seccomp
      output: seccomp.json
      format: docker             # docker (default), oci, spo
      runtime: runc              # runc (default), runc-nnp, crun, crun-nnp, none
      arches: [x86_64]           # optional: default the ABIs the traces show
      defaultAction: errno       # errno (default), kill-process, kill-thread, trap, log
      args: true                 # false: like --no-args
      vdso: true                 # false: like --no-vdso
    - kind: apparmor
      output: apparmor.profile
      symlinks: [symlinks.json]  # recorded link targets, merged (like record)
      implicitCapabilities: true # false: like --no-implicit-caps
      root: rootfs               # optional, like --root (an unpacked image)

Options:
      --write   rewrite stale and missing profiles (atomically) instead of failing
      --json    print each profile's status (and diff) as JSON instead of diffs
  -h, --help    show this help

Examples:
  profilesmith check profiles
  profilesmith check --write        # after editing a manifest or adding a trace
  profilesmith check --json | jq -r '.profiles[] | select(.status != "fresh") | .path'

Exit codes: 0 every profile is fresh (or was rewritten with --write), 1 a profile
is stale or missing (diffs on stdout), 2 usage error or a bad manifest or input.
`;

const OPTIONS = { write: { type: "boolean" }, json: { type: "boolean" } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (positionals.length > 1) throw new UsageError("give at most one directory (see --help)");
  const shown = (path: string) => relative(io.cwd, path) || ".";
  const checked = await checkProfiles(resolve(io.cwd, positionals[0] ?? "."));
  const outdated: CheckedProfile[] = [];
  for (const profile of checked) {
    for (const warning of profile.warnings) io.stderr.write(`profilesmith check: ${shown(profile.path)}: ${warning}\n`);
    if (profile.status === "fresh") continue;
    outdated.push(profile);
    if (values.write) {
      await writeOutput(profile.text, profile.path, io);
      io.stderr.write(`profilesmith check: wrote ${shown(profile.path)}\n`);
    } else {
      if (!values.json) io.stdout.write(profileDiff(profile, shown(profile.path)));
      io.stderr.write(`profilesmith check: ${shown(profile.path)} is ${profile.status}\n`);
    }
  }
  if (values.json) io.stdout.write(checkJson(checked, shown, values.write ?? false));
  const count = `${checked.length} profile(s) in ${new Set(checked.map((p) => p.manifest.file)).size} manifest(s)`;
  if (outdated.length === 0) {
    io.stderr.write(`profilesmith check: ${count}: all fresh\n`);
    return EXIT.ok;
  }
  if (values.write) {
    io.stderr.write(`profilesmith check: ${count}: rewrote ${outdated.length}\n`);
    return EXIT.ok;
  }
  io.stderr.write(`profilesmith check: ${count}: ${outdated.length} not fresh; \`profilesmith check --write\` regenerates them\n`);
  return EXIT.findings;
}

export const checkCommand: Command = { help: HELP, run };
