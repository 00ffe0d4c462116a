/**
 * A probe run under a workload's profile: each probe makes one call the
 * workload may never have made and prints `NAME ERRNO` (0 on success).
 * Every probe succeeds or fails with some errno other than EPERM and ENOSYS
 * when run unfiltered with PROBE_CAPABILITIES, so a denial under the profile
 * is the filter's doing.
 */
export interface Probe {
  readonly name: string;
  readonly syscall: string;
  /** For socket probes, the address family. */
  readonly family?: string;
}

/** Capabilities that make the probes succeed unfiltered: the filter is then the only barrier. */
export const PROBE_CAPABILITIES = ["CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_SYS_PTRACE"];

const SYSCALL_PROBES: ReadonlyArray<readonly [string, string]> = [
  ["ptrace", "syscall(SYS_ptrace, 2L /* PTRACE_PEEKDATA */, 999999L, 0L, 0L)"],
  ["keyctl", "syscall(SYS_keyctl, 0L /* KEYCTL_GET_KEYRING_ID */, -3L /* session */, 0L)"],
  ["add_key", 'syscall(SYS_add_key, "user", "profilesmith-probe", "x", 1L, -2L /* process keyring */)'],
  ["setns", "syscall(SYS_setns, -1L, 0L)"],
  ["unshare", "syscall(SYS_unshare, (long) CLONE_NEWUTS)"],
  ["mount", 'syscall(SYS_mount, "probe", "/tmp", "tmpfs", 0L, "")'],
  ["bpf", "syscall(SYS_bpf, 0L /* BPF_MAP_CREATE */, bpf_attr, sizeof bpf_attr)"],
  ["perf_event_open", "syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0L)"],
  ["kcmp", "syscall(SYS_kcmp, 1L, 999999L, 0L, 0L, 0L)"],
  ["pidfd_open", "syscall(SYS_pidfd_open, 1L, 0L)"],
  ["io_uring_setup", "syscall(SYS_io_uring_setup, 1L, NULL)"],
  ["personality", "syscall(SYS_personality, 0xffffffffL)"],
  ["clone3", "syscall(SYS_clone3, NULL, 0L)"],
];

/** Family and type; protocol 0 (NETLINK_ROUTE for netlink). */
const SOCKET_PROBES: ReadonlyArray<readonly [string, string]> = [
  ["AF_UNIX", "SOCK_STREAM"],
  ["AF_INET6", "SOCK_STREAM"],
  ["AF_NETLINK", "SOCK_RAW"],
  ["AF_PACKET", "SOCK_RAW"],
  ["AF_ALG", "SOCK_SEQPACKET"],
  ["AF_VSOCK", "SOCK_STREAM"],
];

export const PROBES: readonly Probe[] = [
  ...SYSCALL_PROBES.map(([name]) => ({ name, syscall: name })),
  ...SOCKET_PROBES.map(([family]) => ({ name: `socket:${family}`, syscall: "socket", family })),
];

const cases = [
  ...SYSCALL_PROBES.map(([name, call]) => `  if (!strcmp(name, "${name}")) return ${call};`),
  ...SOCKET_PROBES.map(
    ([family, type]) => `  if (!strcmp(name, "socket:${family}")) return syscall(SYS_socket, (long) ${family}, (long) ${type}, 0L);`,
  ),
];

export const PROBE_SOURCE = `#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static char bpf_attr[128];

static long probe(const char *name) {
${cases.join("\n")}
  errno = EINVAL;
  return -1;
}

/* Writes with write(2) only: no stdio buffering calls the profile may lack. */
int main(int argc, char **argv) {
  char line[128];
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long result = probe(argv[i]);
    int length = snprintf(line, sizeof line, "%s %d\\n", argv[i], result < 0 ? errno : 0);
    if (write(1, line, length) != length) return 1;
  }
  return 0;
}
`;

/** Parses the probe's `NAME ERRNO` lines. */
export function probeResults(stdout: string): Map<string, number> {
  return new Map(
    stdout
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [name = "", errno = ""] = line.split(" ");
        return [name, Number(errno)] as const;
      }),
  );
}
