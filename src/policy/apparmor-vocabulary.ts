/**
 * The words an allowlist's `apparmor:` section may use, as AppArmor spells
 * them (apparmor.d(5)); apparmor_parser 3.0 from Debian bookworm accepts each.
 */

/** Linux capabilities (capability.h, CAP_ prefix dropped, lowercase), in number order. */
export const CAPABILITIES = [
  "chown",
  "dac_override",
  "dac_read_search",
  "fowner",
  "fsetid",
  "kill",
  "setgid",
  "setuid",
  "setpcap",
  "linux_immutable",
  "net_bind_service",
  "net_broadcast",
  "net_admin",
  "net_raw",
  "ipc_lock",
  "ipc_owner",
  "sys_module",
  "sys_rawio",
  "sys_chroot",
  "sys_ptrace",
  "sys_pacct",
  "sys_admin",
  "sys_boot",
  "sys_nice",
  "sys_resource",
  "sys_time",
  "sys_tty_config",
  "mknod",
  "lease",
  "audit_write",
  "audit_control",
  "setfcap",
  "mac_override",
  "mac_admin",
  "syslog",
  "wake_alarm",
  "block_suspend",
  "audit_read",
  "perfmon",
  "bpf",
  "checkpoint_restore",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Address families of `network` rules. */
export const NETWORK_DOMAINS = [
  "unix",
  "inet",
  "ax25",
  "ipx",
  "appletalk",
  "netrom",
  "bridge",
  "atmpvc",
  "x25",
  "inet6",
  "rose",
  "netbeui",
  "security",
  "key",
  "netlink",
  "packet",
  "ash",
  "econet",
  "atmsvc",
  "rds",
  "sna",
  "irda",
  "pppox",
  "wanpipe",
  "llc",
  "ib",
  "mpls",
  "can",
  "tipc",
  "bluetooth",
  "iucv",
  "rxrpc",
  "isdn",
  "phonet",
  "ieee802154",
  "caif",
  "alg",
  "nfc",
  "vsock",
  "kcm",
  "qipcrtr",
  "smc",
  "xdp",
  "mctp",
] as const;

/** Socket types of `network` rules. */
export const NETWORK_TYPES = ["stream", "dgram", "seqpacket", "rdm", "raw", "packet"] as const;

/** Protocols a `network` rule may name in place of a type. */
export const NETWORK_PROTOCOLS = ["tcp", "udp", "icmp"] as const;

/**
 * A `network` rule's body: `DOMAIN`, `DOMAIN TYPE`, `DOMAIN PROTOCOL`, or a
 * type or protocol alone (any family), words separated by one space.
 */
export const NETWORK_RULE_PATTERN = (() => {
  const domain = NETWORK_DOMAINS.join("|");
  const kind = [...NETWORK_TYPES, ...NETWORK_PROTOCOLS].join("|");
  return new RegExp(`^(?:(?:${domain})(?: (?:${kind}))?|${kind})$`);
})();

/** Exec modes of file rules: inherit, unconfined, profile, child, with their fallbacks. */
export const EXEC_MODES = ["ix", "ux", "Ux", "px", "Px", "cx", "Cx", "pix", "Pix", "cix", "Cix", "pux", "PUx", "cux", "CUx"] as const;

/** File permission letters other than exec: read, write, append, link, lock, mmap PROT_EXEC. */
export const FILE_PERM_LETTERS = ["r", "w", "a", "l", "k", "m"] as const;

/** A file rule's permissions: letters and exec modes in any order (`r`, `rw`, `mrix`, `rPx`). */
export const FILE_PERMS_PATTERN = new RegExp(
  `^(?:${[...[...EXEC_MODES].sort((a, b) => b.length - a.length), ...FILE_PERM_LETTERS].join("|")})+$`,
);

/**
 * Why `perms` (which matches FILE_PERMS_PATTERN) is not a valid permission
 * set, or undefined: AppArmor rejects `w` with `a`, and more than one exec mode.
 */
export function filePermsProblem(perms: string): string | undefined {
  if (perms.includes("w") && perms.includes("a")) return `"${perms}": "w" and "a" exclude each other`;
  const execModes = perms.match(/[a-zA-Z]*?x/g) ?? [];
  if (execModes.length > 1) return `"${perms}": more than one exec mode`;
  return undefined;
}
