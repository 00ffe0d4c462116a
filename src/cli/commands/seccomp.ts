import { UsageError } from "../../errors.js";
import { policyOfTraces } from "../../policy/trace-census.js";
import { RUNTIMES, SECCOMP_DECODED_KINDS, SECCOMP_FORMATS, type RuntimeName, type SeccompFormat } from "../../seccomp/choices.js";
import { DEFAULT_ACTIONS, type DefaultAction } from "../../seccomp/profile.js";
import { ARCHES, isArch, type Arch } from "../../syscalls/arch.js";
import { loadAllowlists } from "../allowlists.js";
import { parseCommandLine, parseJobs, scanAheadFor } from "../args.js";
import { writeDiagnostics } from "../diagnostics.js";
import { EXIT, type CliIo, type Command, type ExitCode } from "../command.js";
import { writeOutput } from "../output.js";
import { terminalProgress } from "../progress.js";

const HELP = `Usage: profilesmith seccomp [TRACE...] [OPTIONS]

Generate a minimal default-deny seccomp profile from strace logs and allowlists.
TRACE is a file written by strace (-f, -ff, -o; any of -tt, -T, -y, -X raw, ...);
"-" reads standard input. Several traces (and the files of one -ff run) merge.
A kernel log with seccomp audit records (dmesg, journalctl -k, audit.log: e.g. from a
--complain run) is read as one too, recognized by its content.

Options:
  -o, --output FILE         write the profile to FILE (atomically) instead of stdout
      --allow FILE          an allowlist (YAML or JSON) to merge; repeatable
      --arch ARCH           filter for ARCH instead of the ABIs the traces show (without
                            traces: this host's); repeatable (${ARCHES.join(", ")}). The native
                            ABI of a compat ABI is always added; an aarch64 profile can be
                            made from x86_64 traces (each translated call is noted)
      --runtime NAME        also allow what the container runtime does after it installs
                            the filter: ${[...RUNTIMES, "none"].join(", ")} (default runc)
      --format FORMAT       docker (default: docker/podman/kubelet), oci (config.json
                            linux.seccomp) or spo (Security Profiles Operator SeccompProfile)
      --name NAME           metadata.name of the spo resource (default profilesmith)
      --default-action ACT  what every other call gets: ${DEFAULT_ACTIONS.join(", ")}
                            (default errno: EPERM)
      --complain            complain mode: every other call is logged (SCMP_ACT_LOG), not
                            denied; the ENOSYS answers to probed newer calls stay, so the
                            workload takes the paths it will take under the enforcing
                            profile. Then: profilesmith refine PROFILE --from-audit LOG
      --no-args             no argument rules (socket families, clone/unshare namespaces,
                            personality values)
      --no-vdso             do not allow the calls the vDSO hides from strace
                            (clock_gettime, gettimeofday, time, getcpu, clock_getres)
      --strict              fail on trace lines that cannot be parsed (default: warn)
      --jobs N              read large traces on N threads (default: one per 192 MiB of
                            trace, at most one per core but one; so 1 on 2 cores, which
                            reads a trace of 32 MiB or more with a second thread reading
                            ahead; --jobs 1 reads in this thread alone); the profile is
                            the same for every N
  -h, --help                show this help

Examples:
  strace -f -o app.strace ./app && profilesmith seccomp app.strace -o app.json
  docker run --security-opt seccomp=app.json IMAGE
  profilesmith seccomp trace.* --allow extra.yaml --runtime crun --format oci
  profilesmith seccomp app.strace --complain -o app.json   # then see profilesmith refine --help
  profilesmith seccomp app.strace --arch aarch64 --format spo --name my-app > app.yaml
  strace -f ./app 2>&1 >/dev/null | profilesmith seccomp - --no-vdso

Exit codes: 0 success, 2 usage or input error (nothing is written).
`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} "${value}" is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function parseArches(values: readonly string[] | undefined): Arch[] | undefined {
  if (values === undefined) return undefined;
  return values.map((value) => {
    if (!isArch(value)) throw new UsageError(`--arch "${value}" is not one of ${ARCHES.join(", ")}`);
    return value;
  });
}

const OPTIONS = {
  output: { type: "string", short: "o" },
  allow: { type: "string", multiple: true },
  arch: { type: "string", multiple: true },
  runtime: { type: "string" },
  format: { type: "string" },
  name: { type: "string" },
  "default-action": { type: "string" },
  complain: { type: "boolean" },
  "no-args": { type: "boolean" },
  "no-vdso": { type: "boolean" },
  strict: { type: "boolean" },
  jobs: { type: "string" },
} as const;

async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  const format = oneOf<SeccompFormat>("format", values.format, SECCOMP_FORMATS) ?? "docker";
  if (values.name !== undefined && format !== "spo") throw new UsageError("--name only applies to --format spo");
  const defaultAction = oneOf<DefaultAction>("default-action", values["default-action"], DEFAULT_ACTIONS);
  if (values.complain && defaultAction !== undefined && defaultAction !== "log") {
    throw new UsageError(`--complain logs every other call; it cannot be combined with --default-action ${defaultAction}`);
  }
  const options = {
    arches: parseArches(values.arch),
    runtime: oneOf<RuntimeName | "none">("runtime", values.runtime, [...RUNTIMES, "none"]),
    defaultAction: values.complain ? "log" : defaultAction,
    args: !values["no-args"],
    vdso: !values["no-vdso"],
    format,
    name: values.name,
  };
  if (positionals.length === 0 && (values.allow ?? []).length === 0) {
    throw new UsageError("give at least one trace (or - for stdin) or --allow file (see --help)");
  }
  const allowlists = await loadAllowlists(values.allow ?? [], io.cwd);
  const jobs = parseJobs(values.jobs);
  // The generator (its schemas take a tenth of a second to load) loads while the traces are read.
  const [traces, { generateSeccomp }] = await Promise.all([
    policyOfTraces(positionals, {
      strict: values.strict ?? false,
      stdin: io.stdin,
      cwd: io.cwd,
      decode: SECCOMP_DECODED_KINDS,
      progress: terminalProgress(io.stderr),
      jobs,
      scanAhead: scanAheadFor(jobs),
    }),
    import("../../seccomp/generate.js"),
  ]);
  const generated = await generateSeccomp({ ...options, tracePolicies: [traces.policy], allowlists });
  writeDiagnostics(io, "seccomp", traces.report, generated);
  await writeOutput(generated.text, values.output, io);
  return EXIT.ok;
}

export const seccompCommand: Command = { help: HELP, run };
