/**
 * Syscalls our tables know but libseccomp 2.5.4 does not: what
 * `scmp_sys_resolver -a ARCH NAME` from Debian bookworm's libseccomp 2.5.4
 * answers -1 for, checked for every name of our tables on each ABI. runc
 * 1.1.5 and crun 1.8.1 link that libseccomp and silently drop rules naming
 * these, so such a call gets the default action however the profile reads.
 */
import type { Arch } from "../syscalls/arch.js";

export const LIBSECCOMP_VERSION = "2.5.4";

const NEWER_THAN_2_5_4 = [
  "file_getattr",
  "file_setattr",
  "getxattrat",
  "listmount",
  "listns",
  "listxattrat",
  "lsm_get_self_attr",
  "lsm_list_modules",
  "lsm_set_self_attr",
  "mseal",
  "open_tree_attr",
  "removexattrat",
  "rseq_slice_yield",
  "setxattrat",
  "statmount",
];

export const UNKNOWN_TO_LIBSECCOMP: Readonly<Record<Arch, ReadonlySet<string>>> = {
  x86_64: new Set([...NEWER_THAN_2_5_4, "uprobe", "uretprobe"]),
  x32: new Set([...NEWER_THAN_2_5_4, "map_shadow_stack", "uprobe", "uretprobe"]),
  x86: new Set(NEWER_THAN_2_5_4),
  aarch64: new Set(NEWER_THAN_2_5_4),
  arm: new Set(NEWER_THAN_2_5_4),
};
