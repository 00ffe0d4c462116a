/**
 * Seccomp records (type=1326 / SECCOMP), written by the kernel's audit_seccomp()
 * for SCMP_ACT_LOG and, where kernel.seccomp.actions_logged says so, for other
 * actions:
 *
 *   auid=… uid=0 gid=0 ses=… subj=… pid=1234 comm="python3" exe="/usr/bin/python3.11"
 *   sig=0 arch=c000003e syscall=101 compat=0 ip=0x… code=0x7ffc0000
 *
 * `arch` is the AUDIT_ARCH_* of the call's ABI; x32 shares x86_64's and is told
 * apart by the x32 bit in `syscall`. The record carries no arguments and no result.
 */
import type { SourcePos, SyscallEvent } from "../../events/types.js";
import { ARCH_INFO, ARCHES, X32_SYSCALL_BIT, type Arch } from "../../syscalls/arch.js";
import { syscallName } from "../../syscalls/index.js";
import { numberField, type Fields } from "./fields.js";

function archOf(auditArch: number, nr: number): Arch | undefined {
  const x32 = (nr & X32_SYSCALL_BIT) !== 0;
  return ARCHES.find((arch) => ARCH_INFO[arch].auditArch === auditArch && (ARCH_INFO[arch].nrBase !== 0) === x32);
}

/** The call a seccomp record shows, or why it cannot be read as one. */
export function seccompEvent(fields: Fields, pos: SourcePos): SyscallEvent | string {
  const archText = fields.get("arch");
  const nr = numberField(fields, "syscall");
  const pid = numberField(fields, "pid");
  if (archText === undefined || !/^[0-9a-fA-F]{1,8}$/.test(archText)) return "seccomp record without a hex arch=";
  if (nr === undefined || nr < 0) return "seccomp record without a syscall= number";
  if (pid === undefined) return "seccomp record without a pid=";
  const arch = archOf(Number.parseInt(archText, 16), nr);
  if (arch === undefined) return `seccomp record of an unknown arch (arch=${archText} syscall=${nr})`;
  const name = syscallName(arch, nr);
  if (name === undefined) return `seccomp record of syscall ${nr}, which ${arch} does not have`;
  return {
    kind: "syscall",
    pid,
    arch,
    name,
    nr,
    rawArgs: "",
    decoded: undefined,
    outcome: { kind: "unknown" },
    injected: false,
    delayed: false,
    pos,
  };
}
