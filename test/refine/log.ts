import { auditArchHex, type Arch } from "../../src/syscalls/arch.js";
import { isSyscall, syscallNumber } from "../../src/syscalls/index.js";

/** One dmesg seccomp record, as the kernel prints it for SCMP_ACT_LOG. */
export function seccompRecord(name: string, options: { arch?: Arch; pid?: number; comm?: string } = {}): string {
  const arch = options.arch ?? "x86_64";
  const nr = isSyscall(arch, name) ? syscallNumber(arch, name) : undefined;
  if (nr === undefined) throw new Error(`no ${name} on ${arch}`);
  const comm = options.comm ?? "app";
  return (
    `[ 7898.804224] audit: type=1326 audit(1795527024.859:330): auid=4294967295 uid=0 gid=0 ses=4294967295 ` +
    `pid=${options.pid ?? 42} comm="${comm}" exe="/usr/bin/${comm}" sig=0 arch=${auditArchHex(arch)} syscall=${nr} ` +
    "compat=0 ip=0x462167 code=0x7ffc0000"
  );
}
