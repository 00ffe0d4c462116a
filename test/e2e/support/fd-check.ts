/** The status of a clean start: distinct from runtime failures (1) and from a leak. */
export const CLEAN_START = 42;
export const LEAKED_FD = 43;

/** What the fd check makes itself: nothing else is needed to run it. */
export const FD_CHECK_SYSCALLS = ["exit_group", "lseek"] as const;

/**
 * The smallest workload that still checks the runtime's work: a static
 * program without libc that exits 42 when no descriptor beyond stdio is open,
 * 43 when one is (a runtime whose close or close-on-exec was denied leaks its
 * own descriptors into the container). Under {its calls} plus a runtime
 * baseline, status 42 shows the runtime got through its calls, cleaned up
 * and exec'd. exit_group also lets a runtime that fails under the filter die
 * instead of spinning.
 */
export const FD_CHECK_SOURCE = `
static long syscall3(long number, long a, long b, long c) {
  long result;
  __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return result;
}

void _start(void) {
  int leaked = 0;
  for (long fd = 3; fd < 1024; fd++)
    if (syscall3(8 /* lseek */, fd, 0, 1 /* SEEK_CUR */) != -9 /* EBADF */) leaked = 1;
  syscall3(231 /* exit_group */, leaked ? ${LEAKED_FD} : ${CLEAN_START}, 0, 0);
  for (;;) {}
}
`;

export const FD_CHECK_FLAGS = ["-static", "-nostdlib", "-fno-stack-protector"];
