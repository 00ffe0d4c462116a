/**
 * Calls the vDSO usually answers in user space, so strace never sees them,
 * yet on a host whose clock source has no vDSO support (some VMs, some
 * arm boards) they are real syscalls and a profile without them breaks the
 * workload ("cannot read realtime clock"). Allowed by default; `--no-vdso`
 * drops them.
 */
import type { Arch } from "../syscalls/arch.js";

export interface VdsoCall {
  readonly name: string;
  readonly why: string;
}

const CLOCK_GETTIME = { name: "clock_gettime", why: "clock_gettime(3), time(3) in newer glibc, every timestamp" };
const CLOCK_GETRES = { name: "clock_getres", why: "clock_getres(3): timer resolution checks" };
const GETTIMEOFDAY = { name: "gettimeofday", why: "gettimeofday(3): older code and logging libraries" };
const TIME = { name: "time", why: "time(2) on x86, answered by __vdso_time" };
const GETCPU = { name: "getcpu", why: "sched_getcpu(3) where rseq is not registered" };
const CLOCK_GETTIME64 = { name: "clock_gettime64", why: "32-bit glibc 2.34+ reads every clock with the time64 call" };

export const VDSO_CALLS: Readonly<Record<Arch, readonly VdsoCall[]>> = {
  x86_64: [CLOCK_GETRES, CLOCK_GETTIME, GETCPU, GETTIMEOFDAY, TIME],
  x32: [CLOCK_GETRES, CLOCK_GETTIME, GETCPU, GETTIMEOFDAY, TIME],
  x86: [CLOCK_GETRES, CLOCK_GETTIME, CLOCK_GETTIME64, GETCPU, GETTIMEOFDAY, TIME],
  // arm64's vDSO has no time or getcpu entry (and the ABI has no time call).
  aarch64: [CLOCK_GETRES, CLOCK_GETTIME, GETTIMEOFDAY],
  arm: [CLOCK_GETRES, CLOCK_GETTIME, CLOCK_GETTIME64, GETTIMEOFDAY],
};
