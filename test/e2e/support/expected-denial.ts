import { isSyscall, syscallNumber } from "../../../src/syscalls/index.js";
import type { OciSeccomp, Runtime } from "./bundle.js";

export const EPERM = 1;
export const ENOSYS = 38;

interface Rule {
  readonly names: readonly string[];
  readonly action: string;
  readonly errnoRet?: number;
  readonly args?: readonly unknown[];
}

function x86_64Number(name: string): number {
  if (!isSyscall("x86_64", name)) throw new Error(`${name} is not an x86_64 syscall`);
  return syscallNumber("x86_64", name) ?? -1;
}

/**
 * The errno `runtime` answers for `syscall` when no rule of `profile` allows
 * it: ENOSYS where an unconditional rule says so, and under runc for every
 * number above the highest one the profile names (runc's patchbpf stub, so a
 * newer libc sees an unknown call as missing); the default errno otherwise.
 */
export function expectedErrno(profile: OciSeccomp, syscall: string, runtime: Runtime): number {
  const rules = (profile.syscalls ?? []) as readonly Rule[];
  const defaultErrno = (profile.defaultErrnoRet as number | undefined) ?? EPERM;
  const statesEnosys = rules.some(
    (rule) => rule.action === "SCMP_ACT_ERRNO" && rule.errnoRet === ENOSYS && !rule.args?.length && rule.names.includes(syscall),
  );
  if (statesEnosys) return ENOSYS;
  if (runtime === "runc") {
    const highestNamed = Math.max(...rules.flatMap((rule) => rule.names.map(x86_64Number)));
    if (x86_64Number(syscall) > highestNamed) return ENOSYS;
  }
  return defaultErrno;
}
