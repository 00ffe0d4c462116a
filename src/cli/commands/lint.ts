import { UsageError } from "../../errors.js";
import { appArmorLintJson, appArmorLintText, lintAppArmor, lintJson, lintSeccomp, lintText, writtenRules } from "../../lint/index.js";
import { readProfileFile } from "../../verify/index.js";
import { parseCommandLine } from "../args.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";

const HELP = `Usage: profilesmith lint FILE [OPTIONS]

Review a seccomp profile (Docker, OCI or SPO format) or an AppArmor profile, one line per
finding with its reason. A seccomp profile is reviewed for:
  risky         calls a container rarely needs that widen the kernel's attack surface or
                reach outside the container (ptrace, mount, bpf, keyctl, io_uring_*, ...),
                clone/unshare allowed with namespace flags, socket allowed for risky address
                families or for every family
  unknown name  a name that is not a syscall on any ABI its rule applies to
  too new       a name libseccomp 2.5.4 does not know: runc 1.1.5 and crun 1.8.1 drop it
                silently, so the call gets the default action
  no-op rule    a rule whose action is the default action
Then a summary against Docker's default profile: how many calls each allows per ABI, and
which this profile allows that Docker's does not (Docker's rules that need capabilities
count as for a container without added ones). The summary alone is not a finding.

An AppArmor profile (told apart by its content) is reviewed for:
  risky capability   sys_admin, sys_module, sys_ptrace, sys_rawio, dac_read_search, ...
  unconfined exec    ux, Ux, pux, cux, ... exec modes: the program may run without a profile
  risky file access  what the profile grants (after deny rules, with abstractions/base) on
                     sensitive paths: writable /proc/sys or /sys, /etc/shadow-like secrets,
                     runtime sockets, raw devices, broad write or exec globs like /** w
  privileged rule    mount, umount, remount, pivot_root, change_profile rules
  complain mode      flags=(complain) left on: nothing is denied

Options:
      --json     print the findings and the summary as JSON
  -h, --help     show this help

Examples:
  profilesmith lint app.json
  profilesmith lint app.apparmor
  profilesmith lint seccomp-profile.yaml --json | jq -r '.findings[] | .subject + ": " + .reason'

Exit codes: 0 no findings, 1 findings, 2 usage or input error.
`;

const OPTIONS = { json: { type: "boolean" } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("give exactly one profile FILE (see --help)");
  const profileFile = await readProfileFile(file, io.cwd);
  if (profileFile.kind === "apparmor") {
    const lint = lintAppArmor(profileFile.document);
    io.stdout.write(values.json ? appArmorLintJson(lint, file) : appArmorLintText(lint, file));
    return lint.findings.length > 0 ? EXIT.findings : EXIT.ok;
  }
  const lint = lintSeccomp(profileFile.profile, { written: writtenRules(profileFile.text, file, profileFile.profile) });
  io.stdout.write(values.json ? lintJson(lint, file) : lintText(lint, file));
  return lint.findings.length > 0 ? EXIT.findings : EXIT.ok;
}

export const lintCommand: Command = { help: HELP, run };
