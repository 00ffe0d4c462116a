import type { CommandEntry } from "../command.js";

/** Every command, in the order `--help` lists them. A command's module (and the library it drives) loads only when it runs. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "record",
    summary: "run a command under strace and write its trace, profiles and manifest",
    load: async () => (await import("./record.js")).recordCommand,
  },
  {
    name: "seccomp",
    summary: "generate a minimal default-deny seccomp profile (Docker, OCI or SPO format)",
    load: async () => (await import("./seccomp.js")).seccompCommand,
  },
  {
    name: "apparmor",
    summary: "generate a least-privilege AppArmor profile for a container",
    load: async () => (await import("./apparmor.js")).apparmorCommand,
  },
  {
    name: "refine",
    summary: "add to a seccomp or AppArmor profile what a kernel audit log shows it lacked (complain mode)",
    load: async () => (await import("./refine.js")).refineCommand,
  },
  {
    name: "check",
    summary: "fail when a committed profile no longer matches its traces and allowlists (for CI)",
    load: async () => (await import("./check.js")).checkCommand,
  },
  {
    name: "verify",
    summary: "replay traces against a profile and list every call it would refuse",
    load: async () => (await import("./verify.js")).verifyCommand,
  },
  {
    name: "lint",
    summary: "flag risky allowances, no-op rules and unknown or too-new names in a seccomp or AppArmor profile",
    load: async () => (await import("./lint.js")).lintCommand,
  },
  {
    name: "diff",
    summary: "show what one profile allows that another does not, per ABI or per AppArmor rule",
    load: async () => (await import("./diff.js")).diffCommand,
  },
];
