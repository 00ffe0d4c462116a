/**
 * The system-call ABIs profilesmith knows, named as `uname -m`, strace and
 * libseccomp name them, with the identifiers seccomp filters and audit records
 * use for each.
 */
export const ARCHES = ["x86_64", "aarch64", "x86", "x32", "arm"] as const;

export type Arch = (typeof ARCHES)[number];

/** The 64-bit ABIs a host runs natively; the others are their compat modes. */
export type NativeArch = "x86_64" | "aarch64";

export interface ArchInfo {
  /** libseccomp's and Docker's name for the ABI. */
  readonly scmpArch: `SCMP_ARCH_${string}`;
  /** The kernel's AUDIT_ARCH_* value: `seccomp_data.arch` and `arch=` in audit records. */
  readonly auditArch: number;
  /** The native ABI whose kernel runs this one. */
  readonly native: NativeArch;
  /** Bits ORed into every syscall number as the kernel sees it (x32's 0x40000000). */
  readonly nrBase: number;
}

const AUDIT_ARCH_64BIT = 0x80000000;
const AUDIT_ARCH_LE = 0x40000000;
const EM_386 = 3;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

export const X32_SYSCALL_BIT = 0x40000000;

export const ARCH_INFO: Readonly<Record<Arch, ArchInfo>> = {
  x86_64: {
    scmpArch: "SCMP_ARCH_X86_64",
    auditArch: (AUDIT_ARCH_64BIT | AUDIT_ARCH_LE | EM_X86_64) >>> 0,
    native: "x86_64",
    nrBase: 0,
  },
  aarch64: {
    scmpArch: "SCMP_ARCH_AARCH64",
    auditArch: (AUDIT_ARCH_64BIT | AUDIT_ARCH_LE | EM_AARCH64) >>> 0,
    native: "aarch64",
    nrBase: 0,
  },
  x86: {
    scmpArch: "SCMP_ARCH_X86",
    auditArch: (AUDIT_ARCH_LE | EM_386) >>> 0,
    native: "x86_64",
    nrBase: 0,
  },
  // x32 shares x86_64's audit arch; the kernel tells them apart by the number's x32 bit.
  x32: {
    scmpArch: "SCMP_ARCH_X32",
    auditArch: (AUDIT_ARCH_64BIT | AUDIT_ARCH_LE | EM_X86_64) >>> 0,
    native: "x86_64",
    nrBase: X32_SYSCALL_BIT,
  },
  arm: {
    scmpArch: "SCMP_ARCH_ARM",
    auditArch: (AUDIT_ARCH_LE | EM_ARM) >>> 0,
    native: "aarch64",
    nrBase: 0,
  },
};

/** The compat ABIs a native ABI's kernel also runs (Docker's `archMap`). */
export const COMPAT_ARCHES: Readonly<Record<NativeArch, readonly Arch[]>> = {
  x86_64: ["x86", "x32"],
  aarch64: ["arm"],
};

export function isArch(value: string): value is Arch {
  return (ARCHES as readonly string[]).includes(value);
}

export function archFromScmp(scmpArch: string): Arch | undefined {
  return ARCHES.find((arch) => ARCH_INFO[arch].scmpArch === scmpArch);
}

/** The audit arch as audit records print it: lowercase hex, no prefix (`c000003e`). */
export function auditArchHex(arch: Arch): string {
  return ARCH_INFO[arch].auditArch.toString(16).padStart(8, "0");
}
