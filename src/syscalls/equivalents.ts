import { ARCH_INFO, type Arch } from "./arch.js";
import { isSyscall } from "./lookup.js";
import type { SyscallName, SyscallNameOf } from "./tables.js";

type X86_64Only = Exclude<SyscallNameOf<"x86_64">, SyscallNameOf<"aarch64">>;

/**
 * For every x86_64 syscall that aarch64 lacks, the aarch64 call(s) glibc and
 * musl make instead; `[]` where aarch64 has no counterpart (x86-only
 * machinery, and calls that are reserved or removed). The type requires an
 * entry for every such name, so a new x86_64-only call fails to compile
 * until it is classified here.
 */
export const AARCH64_EQUIVALENTS: { readonly [N in X86_64Only]: readonly SyscallNameOf<"aarch64">[] } = {
  access: ["faccessat", "faccessat2"],
  alarm: ["setitimer"],
  chmod: ["fchmodat"],
  chown: ["fchownat"],
  creat: ["openat"],
  // glibc's dup2 with equal descriptors only checks the descriptor with fcntl.
  dup2: ["dup3", "fcntl"],
  epoll_create: ["epoll_create1"],
  epoll_wait: ["epoll_pwait"],
  eventfd: ["eventfd2"],
  fork: ["clone", "clone3"],
  futimesat: ["utimensat"],
  getdents: ["getdents64"],
  getpgrp: ["getpgid"],
  inotify_init: ["inotify_init1"],
  lchown: ["fchownat"],
  link: ["linkat"],
  lstat: ["newfstatat", "statx"],
  mkdir: ["mkdirat"],
  mknod: ["mknodat"],
  open: ["openat"],
  // glibc pauses with rt_sigsuspend, musl with ppoll.
  pause: ["ppoll", "rt_sigsuspend"],
  pipe: ["pipe2"],
  poll: ["ppoll"],
  readlink: ["readlinkat"],
  rename: ["renameat", "renameat2"],
  rmdir: ["unlinkat"],
  select: ["pselect6"],
  signalfd: ["signalfd4"],
  stat: ["newfstatat", "statx"],
  symlink: ["symlinkat"],
  time: ["clock_gettime"],
  unlink: ["unlinkat"],
  utime: ["utimensat"],
  utimes: ["utimensat"],
  vfork: ["clone", "clone3"],

  // x86-only machinery: segment descriptors, I/O ports, uprobe trampolines.
  arch_prctl: [],
  get_thread_area: [],
  ioperm: [],
  iopl: [],
  modify_ldt: [],
  set_thread_area: [],
  uprobe: [],
  uretprobe: [],
  // Obsolete: no libc wrapper on aarch64.
  sysfs: [],
  ustat: [],
  // Numbered on x86_64 but never implemented or since removed.
  _sysctl: [],
  afs_syscall: [],
  create_module: [],
  epoll_ctl_old: [],
  epoll_wait_old: [],
  get_kernel_syms: [],
  getpmsg: [],
  putpmsg: [],
  query_module: [],
  security: [],
  tuxcall: [],
  uselib: [],
  vserver: [],
};

function hasAarch64Equivalents(name: string): name is X86_64Only {
  return Object.hasOwn(AARCH64_EQUIVALENTS, name);
}

/**
 * The syscalls on `to` that do what `name` does on `from`: `[name]` when `to`
 * has it, `[]` when `to` has no counterpart. Undefined when there is no data
 * to answer: `name` is not a syscall of `from`, or the pair is not an x86
 * ABI (x86_64, x32, x86) to aarch64.
 */
export function equivalentSyscalls<T extends Arch>(
  from: Arch,
  to: T,
  name: SyscallName,
): readonly SyscallNameOf<T>[] | undefined {
  if (!isSyscall(from, name)) return undefined;
  if (isSyscall(to, name)) return [name];
  if (ARCH_INFO[from].native === "x86_64" && to === "aarch64" && hasAarch64Equivalents(name)) {
    return AARCH64_EQUIVALENTS[name] as readonly SyscallNameOf<T>[];
  }
  return undefined;
}
