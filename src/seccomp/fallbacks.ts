/**
 * Calls that C libraries and runtimes probe, falling back to an older call
 * when the kernel answers ENOSYS. A profile that does not allow the newer
 * call answers it with ENOSYS instead of EPERM, so a newer libc in the image
 * takes its fallback instead of failing (Docker learned this with clone3).
 * When the newer call was traced, its fallbacks are allowed too, so the
 * profile still works on an older kernel that answers the newer call ENOSYS.
 * Names an ABI lacks are skipped on that ABI.
 */
export interface Fallback {
  readonly newer: string;
  /** What callers use instead on ENOSYS; empty when they just go without. */
  readonly older: readonly string[];
  readonly why: string;
}

export const FALLBACKS: readonly Fallback[] = [
  { newer: "clone3", older: ["clone"], why: "glibc 2.34+ pthread_create, fork and posix_spawn try clone3, then clone" },
  { newer: "close_range", older: ["close"], why: "glibc closefrom, Python subprocess and systemd close descriptors one by one without it" },
  { newer: "copy_file_range", older: ["read", "write"], why: "coreutils cp and Python shutil copy through a buffer without it" },
  { newer: "epoll_pwait2", older: ["epoll_pwait"], why: "glib and libuv fall back to epoll_pwait's millisecond timeout" },
  { newer: "faccessat2", older: ["faccessat"], why: "glibc 2.33+ faccessat with flags tries faccessat2 first" },
  { newer: "fchmodat2", older: ["fchmodat"], why: "glibc 2.39+ fchmodat with AT_SYMLINK_NOFOLLOW tries fchmodat2 first" },
  { newer: "openat2", older: ["openat"], why: "callers wanting RESOLVE_* flags (systemd, runtimes) fall back to openat" },
  { newer: "preadv2", older: ["preadv"], why: "glibc preadv2 with no flags falls back to preadv" },
  { newer: "pwritev2", older: ["pwritev"], why: "glibc pwritev2 with no flags falls back to pwritev" },
  { newer: "renameat2", older: ["renameat"], why: "glibc renameat2 with no flags falls back to renameat" },
  { newer: "rseq", older: [], why: "glibc 2.35+ registers rseq for every thread and runs without it when refused" },
  { newer: "statx", older: ["newfstatat", "fstatat64"], why: "glibc, coreutils and Python fall back to fstatat when statx is missing" },
  // 32-bit ABIs: glibc 2.34+ tries the 64-bit-time call first, then the old one.
  { newer: "clock_gettime64", older: ["clock_gettime"], why: "32-bit glibc tries the time64 call first" },
  { newer: "clock_nanosleep_time64", older: ["clock_nanosleep"], why: "32-bit glibc tries the time64 call first" },
  { newer: "futex_time64", older: ["futex"], why: "32-bit glibc tries the time64 call first" },
  { newer: "ppoll_time64", older: ["ppoll"], why: "32-bit glibc tries the time64 call first" },
  { newer: "pselect6_time64", older: ["pselect6"], why: "32-bit glibc tries the time64 call first" },
  { newer: "recvmmsg_time64", older: ["recvmmsg"], why: "32-bit glibc tries the time64 call first" },
  { newer: "rt_sigtimedwait_time64", older: ["rt_sigtimedwait"], why: "32-bit glibc tries the time64 call first" },
  { newer: "semtimedop_time64", older: ["semtimedop"], why: "32-bit glibc tries the time64 call first" },
  { newer: "timerfd_settime64", older: ["timerfd_settime"], why: "32-bit glibc tries the time64 call first" },
  { newer: "utimensat_time64", older: ["utimensat"], why: "32-bit glibc tries the time64 call first" },
];
