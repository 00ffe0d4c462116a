/**
 * Calls a container rarely needs that widen the kernel attack surface or
 * reach outside the container, with why, and the argument-level risks of
 * calls that are fine when narrowed: clone and unshare with namespace flags,
 * socket with dangerous address families or none restricted.
 */
import type { SeccompProfile } from "../seccomp/profile.js";
import { CLONE_NAMESPACE_MASK, UNSHARE_NAMESPACE_MASK } from "../seccomp/arg-rules.js";
import { isSyscall } from "../syscalls/index.js";
import type { Arch } from "../syscalls/arch.js";
import type { RuleIndex } from "../verify/decide.js";
import { ADDRESS_FAMILY_COUNT, argValueText, familyName } from "../verify/describe.js";
import { allowingArgs, candidateArgs, type ArgVector } from "./witness.js";

export interface RiskyCalls {
  readonly names: readonly string[];
  readonly why: string;
}

export const RISKY_CALLS: readonly RiskyCalls[] = [
  { names: ["ptrace"], why: "inspects and changes other processes' memory and registers" },
  { names: ["process_vm_readv", "process_vm_writev"], why: "reads or writes another process's memory" },
  { names: ["pidfd_getfd"], why: "copies file descriptors out of another process" },
  {
    names: ["mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"],
    why: "changes the mount table: with CAP_SYS_ADMIN a way around the container's filesystem view",
  },
  { names: ["bpf"], why: "loads eBPF programs into the kernel, a large attack surface" },
  { names: ["perf_event_open"], why: "kernel performance monitoring: leaks kernel state, frequent CVEs" },
  { names: ["userfaultfd"], why: "handles page faults in user space, a tool for widening kernel race windows in exploits" },
  { names: ["keyctl", "add_key", "request_key"], why: "the kernel keyring is not namespaced: it reaches keys outside the container" },
  { names: ["setns"], why: "joins other namespaces" },
  {
    names: ["clone3"],
    why: "its flags are in memory where no filter looks, so it creates namespaces whatever the rules for clone say; answer it ENOSYS (glibc falls back to clone)",
  },
  { names: ["open_by_handle_at"], why: "opens files by handle, past the mount namespace (the \"shocker\" container escape)" },
  { names: ["kexec_load", "kexec_file_load"], why: "replaces the running kernel" },
  { names: ["init_module", "finit_module", "delete_module", "create_module"], why: "loads or unloads kernel modules" },
  { names: ["io_uring_setup", "io_uring_enter", "io_uring_register"], why: "io_uring does I/O that seccomp never sees, and is a frequent source of kernel CVEs" },
  { names: ["iopl", "ioperm"], why: "reaches hardware I/O ports directly" },
  { names: ["reboot"], why: "reboots the host or arms a new kernel" },
  { names: ["swapon", "swapoff"], why: "changes the host's swap" },
  { names: ["settimeofday", "stime", "clock_settime", "clock_settime64"], why: "sets the system clock, which is not namespaced" },
  { names: ["syslog"], why: "reads the kernel log, which leaks kernel addresses" },
  { names: ["acct"], why: "switches process accounting for the whole host" },
  { names: ["quotactl", "quotactl_fd"], why: "manages disk quotas of the host's filesystems" },
  { names: ["modify_ldt", "vm86", "vm86old"], why: "changes x86 segment state, the door of old kernel exploits; rarely needed" },
  { names: ["socketcall"], why: "carries every socket call behind a pointer, so no filter can restrict socket families through it" },
];

/** Address families a container rarely needs that have a record of kernel exploits or reach past its network. */
const RISKY_FAMILIES: Readonly<Record<number, string>> = {
  15: "IPsec key management",
  17: "raw packets: sniffs and spoofs traffic on the container's network",
  21: "RDS, a record of kernel exploits",
  30: "TIPC, a record of kernel exploits",
  38: "the kernel crypto API, a record of kernel exploits",
  40: "talks to the hypervisor or host (Docker's default denies it)",
  44: "XDP sockets bypass the network stack",
};

/** One risky allowance on one ABI: the call, and why it is risky under the arguments that show it. */
export interface RiskyAllowance {
  readonly arch: Arch;
  readonly syscall: string;
  readonly why: string;
}

function rulesOf(index: RuleIndex, arch: Arch, name: string) {
  return index.rules.get(`${arch} ${name}`) ?? [];
}

function riskyCalls(index: RuleIndex, arch: Arch): RiskyAllowance[] {
  return RISKY_CALLS.flatMap(({ names, why }) =>
    names
      .filter((name) => isSyscall(arch, name) && allowingArgs(index.profile, arch, name, candidateArgs(rulesOf(index, arch, name))))
      .map((syscall) => ({ arch, syscall, why })),
  );
}

function namespaceFlags(index: RuleIndex, arch: Arch, name: string, mask: number): RiskyAllowance[] {
  if (!isSyscall(arch, name)) return [];
  const rules = rulesOf(index, arch, name);
  const bits = [...BigInt(mask).toString(2)].reverse().flatMap((bit, i) => (bit === "1" ? [1n << BigInt(i)] : []));
  const witness = bits
    .map((bit) => allowingArgs(index.profile, arch, name, candidateArgs(rules, [bit]).filter((args) => ((args[0] ?? 0n) & bit) !== 0n)))
    .find((args): args is ArgVector => args !== undefined);
  if (witness === undefined) return [];
  const example = argValueText(name, 0, (witness[0] ?? 0n) & BigInt(mask));
  return [{ arch, syscall: name, why: `allowed with namespace flags (e.g. arg0 ${example}): creates namespaces, the first step of many container escapes` }];
}

function socketFamilies(index: RuleIndex, arch: Arch): RiskyAllowance[] {
  if (!isSyscall(arch, "socket")) return [];
  const candidates = candidateArgs(rulesOf(index, arch, "socket"));
  const allows = (family: number) =>
    allowingArgs(index.profile, arch, "socket", candidates.map((args) => [BigInt(family), ...args.slice(1)])) !== undefined;
  const families = Array.from({ length: ADDRESS_FAMILY_COUNT }, (_, family) => family);
  if (families.every(allows)) {
    return [{ arch, syscall: "socket", why: "allowed for every address family: restrict arg0 to the families the workload uses" }];
  }
  return Object.entries(RISKY_FAMILIES)
    .filter(([family]) => allows(Number(family)))
    .map(([family, why]) => ({ arch, syscall: "socket", why: `allowed for ${familyName(Number(family))} (${family}): ${why}` }));
}

/** Every risky allowance of the profile, per ABI it filters. */
export function riskyAllowances(index: RuleIndex): RiskyAllowance[] {
  const profile: SeccompProfile = index.profile;
  return profile.arches.flatMap((arch) => [
    ...riskyCalls(index, arch),
    ...namespaceFlags(index, arch, "clone", CLONE_NAMESPACE_MASK),
    ...namespaceFlags(index, arch, "unshare", UNSHARE_NAMESPACE_MASK),
    ...socketFamilies(index, arch),
  ]);
}
