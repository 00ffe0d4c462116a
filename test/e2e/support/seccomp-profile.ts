import type { OciSeccomp } from "./bundle.js";

/**
 * A hand-built default-deny `linux.seccomp` allowing exactly `names` (EPERM
 * for everything else), for tests that must not depend on the generator.
 */
export function allowOnly(names: Iterable<string>): OciSeccomp {
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: [{ names: [...new Set(names)].sort(), action: "SCMP_ACT_ALLOW" }],
  };
}
