export * from "./arch.js";
export type { SyscallName, SyscallNameOf } from "./tables.js";
export {
  canonicalSyscallName,
  isImplemented,
  isSyscall,
  syscallName,
  syscallNames,
  syscallNumber,
} from "./lookup.js";
export { AARCH64_EQUIVALENTS, equivalentSyscalls } from "./equivalents.js";
