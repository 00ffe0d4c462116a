/**
 * Risky allowances in an AppArmor profile, one reason each. File access is
 * judged by probing: for each sensitive path and permission, whether the
 * profile (with abstractions/base, after its deny rules) grants it, so a
 * `/** rw` glob is caught the same as a literal `/etc/shadow r`.
 */
import type { AppArmorDocument, DenyFileRule, FileRule, Profile } from "../apparmor/index.js";
import type { Capability } from "../policy/apparmor-vocabulary.js";
import { matches, matchingFileRules, ruleText } from "../apparmor/index.js";
import { plural } from "../plural.js";

export type AppArmorLintCheck = "risky capability" | "unconfined exec" | "risky file access" | "privileged rule" | "complain mode";

export interface AppArmorLintFinding {
  readonly check: AppArmorLintCheck;
  /** Where the rule (or the profile line) is. */
  readonly line: number;
  /** The rule as written (or the profile header for complain mode). */
  readonly rule: string;
  readonly reason: string;
}

export interface AppArmorLint {
  readonly kind: "apparmor";
  readonly findings: readonly AppArmorLintFinding[];
}

export const RISKY_CAPABILITIES: Readonly<Partial<Record<Capability, string>>> = {
  sys_admin: "mount, namespaces, BPF, device and many other admin operations: the usual container escape",
  sys_module: "loads kernel modules: runs code in the host kernel",
  sys_ptrace: "traces any process it can see, reading and changing its memory",
  sys_rawio: "raw I/O ports and device memory",
  dac_read_search: "bypasses read permission on every file and enables open_by_handle_at (the shocker escape)",
  sys_boot: "reboots the host or loads a new kernel",
  sys_time: "sets the host clock",
  net_admin: "reconfigures interfaces, routes and firewall rules of its network namespace",
  mac_admin: "changes the MAC policy (loads AppArmor profiles)",
  mac_override: "overrides the MAC policy",
  bpf: "loads BPF programs",
  perfmon: "performance monitoring of the whole system",
  syslog: "reads the kernel log (kernel addresses) and clears it",
  setfcap: "gives files capabilities that whoever runs them gains",
};

/** Exec modes that leave the profile for no profile at all. */
const UNCONFINED_EXEC = /u/i;

/**
 * Sensitive accesses, by a path that stands for its class (what globs are
 * probed with) and, for a class that is a directory, the directory (what
 * literal rules are checked against).
 */
const FILE_PROBES: readonly { readonly path: string; readonly under?: string; readonly perms: string; readonly reason: string }[] = [
  { path: "/proc/sys/kernel/core_pattern", under: "/proc/sys/", perms: "w", reason: "writable /proc/sys: kernel settings (core_pattern runs a program as root on the host)" },
  { path: "/proc/sysrq-trigger", perms: "w", reason: "writable /proc/sysrq-trigger: crashes or reboots the host" },
  { path: "/sys/kernel/profilesmith-probe", under: "/sys/", perms: "w", reason: "writable /sys: kernel and device settings" },
  { path: "/sys/fs/cgroup/profilesmith-probe", perms: "w", reason: "writable /sys/fs/cgroup: resource limits and release agents" },
  { path: "/etc/shadow", perms: "r", reason: "reads password hashes (/etc/shadow)" },
  { path: "/etc/gshadow", perms: "r", reason: "reads group password hashes (/etc/gshadow)" },
  { path: "/etc/passwd", perms: "w", reason: "writes user accounts (/etc/passwd)" },
  { path: "/etc/sudoers", perms: "w", reason: "writes sudo rules (/etc/sudoers)" },
  { path: "/root/.ssh/authorized_keys", perms: "r", reason: "reads root's SSH files" },
  { path: "/home/profilesmith-probe/.ssh/id_rsa", perms: "r", reason: "reads users' SSH keys" },
  { path: "/etc/ssl/private/profilesmith-probe.key", perms: "r", reason: "reads TLS private keys (/etc/ssl/private)" },
  { path: "/run/docker.sock", perms: "w", reason: "the Docker socket: root on the host" },
  { path: "/var/run/docker.sock", perms: "w", reason: "the Docker socket: root on the host" },
  { path: "/run/containerd/containerd.sock", perms: "w", reason: "the containerd socket: root on the host" },
  { path: "/dev/mem", perms: "r", reason: "reads physical memory (/dev/mem)" },
  { path: "/dev/sda", perms: "w", reason: "writes a raw disk" },
  { path: "/etc/profilesmith-probe", under: "/etc/", perms: "w", reason: "writes anywhere in /etc" },
  { path: "/usr/bin/profilesmith-probe", under: "/usr/bin/", perms: "w", reason: "writes system programs (/usr/bin)" },
  { path: "/profilesmith-probe/file", perms: "w", reason: "a broad write glob: writes in any top-level directory" },
  { path: "/profilesmith-probe/file", perms: "x", reason: "a broad exec glob: runs any program" },
];

const PRIVILEGED_RULES: Readonly<Record<AppArmorDocument["unmodelled"][number]["keyword"], string>> = {
  mount: "mounts filesystems (with capability sys_admin: over the container's own files, or proc and sysfs)",
  umount: "unmounts filesystems, uncovering what a mount hid",
  remount: "remounts filesystems, for example read-only ones read-write",
  pivot_root: "changes the root filesystem",
  change_profile: "moves to another profile, possibly a wider one",
};

/** The letters `perms` asks and a file rule grants (`w` grants `a` too). */
function grantsAny(rule: FileRule | DenyFileRule, perms: string): boolean {
  const p = rule.perms;
  return [...perms].some((letter) =>
    letter === "r" ? p.read : letter === "w" ? p.write === "w" : letter === "a" ? p.write !== undefined : letter === "x" ? p.exec !== undefined : false,
  );
}

function fileFindings(document: AppArmorDocument): AppArmorLintFinding[] {
  const profile: Profile = document.profile;
  const lineOf = new Map(profile.rules.map((rule, i) => [rule, document.ruleLines[i] as number]));
  const findings: AppArmorLintFinding[] = [];
  const flag = (rule: FileRule | DenyFileRule, reason: string) =>
    findings.push({ check: "risky file access", line: lineOf.get(rule) as number, rule: ruleText(rule), reason });
  for (const probe of FILE_PROBES) {
    if (matches(profile, probe.path, probe.perms)) {
      // Rules from abstractions/base are no finding of this profile: they have no line here.
      const granting = matchingFileRules(profile, probe.path).filter((rule) => !rule.deny && lineOf.has(rule) && grantsAny(rule, probe.perms));
      for (const rule of granting) flag(rule, probe.reason);
    }
    const under = probe.under;
    if (under === undefined) continue;
    for (const rule of profile.rules) {
      if (rule.kind !== "file" || rule.deny || rule.path.kind !== "literal" || !rule.path.bytes.startsWith(under)) continue;
      const path = Buffer.from(rule.path.bytes, "latin1");
      if (grantsAny(rule, probe.perms) && matches(profile, path, probe.perms)) flag(rule, probe.reason);
    }
  }
  return findings;
}

function ruleFindings(document: AppArmorDocument): AppArmorLintFinding[] {
  return document.profile.rules.flatMap((rule, i): AppArmorLintFinding[] => {
    const line = document.ruleLines[i] as number;
    if (rule.kind === "capability") {
      const reason = RISKY_CAPABILITIES[rule.capability];
      return reason ? [{ check: "risky capability", line, rule: ruleText(rule), reason }] : [];
    }
    if (rule.kind === "file" && !rule.deny && rule.perms.exec && UNCONFINED_EXEC.test(rule.perms.exec)) {
      return [{ check: "unconfined exec", line, rule: ruleText(rule), reason: `${rule.perms.exec}: the program may run without any profile` }];
    }
    return [];
  });
}

/** Findings in line order; a rule flagged twice for the same reason is one finding. */
export function lintAppArmor(document: AppArmorDocument): AppArmorLint {
  const findings: AppArmorLintFinding[] = [
    ...(document.profile.flags.includes("complain")
      ? [{ check: "complain mode" as const, line: document.profileLine, rule: `profile ${document.profile.name}`, reason: "flags=(complain): nothing is denied, only logged" }]
      : []),
    ...ruleFindings(document),
    ...fileFindings(document),
    ...document.unmodelled.map((rule) => ({ check: "privileged rule" as const, line: rule.line, rule: `${rule.text},`, reason: PRIVILEGED_RULES[rule.keyword] })),
  ];
  const unique = new Map(findings.map((f) => [`${f.line}\0${f.rule}\0${f.reason}`, f]));
  return { kind: "apparmor", findings: [...unique.values()].sort((a, b) => a.line - b.line || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)) };
}

export function appArmorLintText(lint: AppArmorLint, file: string): string {
  const count = lint.findings.length;
  return [
    ...lint.findings.map((f) => `${file}:${f.line}: ${f.rule}: ${f.check}: ${f.reason}`),
    `${file}: ${count === 0 ? "no findings" : plural(count, "finding")}`,
  ]
    .map((line) => `${line}\n`)
    .join("");
}

export function appArmorLintJson(lint: AppArmorLint, file: string): string {
  return `${JSON.stringify({ kind: lint.kind, profile: file, findings: lint.findings }, null, 2)}\n`;
}
