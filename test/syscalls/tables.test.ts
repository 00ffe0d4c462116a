import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ARCHES,
  X32_SYSCALL_BIT,
  canonicalSyscallName,
  isImplemented,
  isSyscall,
  syscallName,
  syscallNames,
  syscallNumber,
  type SyscallNameOf,
} from "../../src/syscalls/index.js";
import * as packageRoot from "../../src/index.js";

const implementedCount = (arch: (typeof ARCHES)[number]): number =>
  syscallNames(arch).filter((name) => isImplemented(arch, name)).length;

describe("syscall tables", () => {
  it("have the issue's figures as of Linux 7.1", () => {
    expect(syscallNames("x86_64")).toHaveLength(385);
    expect(implementedCount("x86_64")).toBe(373);
    expect(syscallNames("aarch64")).toHaveLength(327);
    expect(implementedCount("aarch64")).toBe(326);
    for (const arch of ["x86_64", "aarch64"] as const) {
      expect(syscallNumber(arch, "listns")).toBe(470);
      expect(syscallNumber(arch, "rseq_slice_yield")).toBe(471);
    }
    expect(syscallNumber("x86_64", "uretprobe")).toBe(335);
    expect(syscallNumber("x32", "uretprobe")).toBe(X32_SYSCALL_BIT + 335);
    expect(syscallNumber("aarch64", "uretprobe")).toBeUndefined();
  });

  it("know the well-known numbers of each ABI", () => {
    expect(syscallNumber("x86_64", "read")).toBe(0);
    expect(syscallNumber("x86_64", "openat")).toBe(257);
    expect(syscallNumber("aarch64", "openat")).toBe(56);
    expect(syscallNumber("aarch64", "open")).toBeUndefined();
    expect(syscallNumber("x86", "socketcall")).toBe(102);
    expect(syscallNumber("x86", "_llseek")).toBe(140);
    expect(syscallNumber("x32", "read")).toBe(0x40000000);
    expect(syscallNumber("x32", "rt_sigaction")).toBe(X32_SYSCALL_BIT + 512);
    expect(syscallNumber("arm", "arm_sync_file_range")).toBe(341);
    expect(syscallNumber("arm", "cacheflush")).toBe(0x0f0002);
  });

  it("reject a misspelled name at compile time", () => {
    // @ts-expect-error "opne" is no syscall of any ABI
    expect(syscallNumber("x86_64", "opne")).toBeUndefined();
    // @ts-expect-error aarch64 has no open
    const aarch64Open: SyscallNameOf<"aarch64"> = "open";
    const x86_64Open: SyscallNameOf<"x86_64"> = "open";
    expect([aarch64Open, x86_64Open]).toEqual(["open", "open"]);
  });

  it("name numbers as the kernel sees them", () => {
    expect(syscallName("x86_64", 59)).toBe("execve");
    expect(syscallName("x32", X32_SYSCALL_BIT + 520)).toBe("execve");
    expect(syscallName("x32", 520)).toBeUndefined();
    expect(syscallName("aarch64", 1000)).toBeUndefined();
  });

  it("mark reserved and removed calls unimplemented but keep them valid names", () => {
    expect(isSyscall("x86_64", "tuxcall")).toBe(true);
    expect(isImplemented("x86_64", "tuxcall")).toBe(false);
    expect(isImplemented("x86_64", "uselib")).toBe(false);
    expect(isImplemented("aarch64", "nfsservctl")).toBe(false);
    expect(isImplemented("x86_64", "read")).toBe(true);
    expect(isImplemented("aarch64", "open")).toBe(false);
  });

  it("map other spellings to the table's name", () => {
    expect(canonicalSyscallName("arm", "sync_file_range2")).toBe("arm_sync_file_range");
    expect(canonicalSyscallName("arm", "fadvise64_64")).toBe("arm_fadvise64_64");
    expect(canonicalSyscallName("x86", "fadvise64_64")).toBe("fadvise64_64");
    expect(canonicalSyscallName("x86_64", "sync_file_range2")).toBeUndefined();
    expect(canonicalSyscallName("x86_64", "openat")).toBe("openat");
    expect(canonicalSyscallName("aarch64", "open")).toBeUndefined();
  });

  it("list each ABI's names sorted and unique", () => {
    for (const arch of ARCHES) {
      const names = syscallNames(arch);
      expect([...names].sort()).toEqual(names);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("round-trip every name and number", () => {
    for (const arch of ARCHES) {
      const numbers = new Set<number>();
      for (const name of syscallNames(arch)) {
        const nr = syscallNumber(arch, name);
        expect(nr).toBeDefined();
        expect(syscallName(arch, nr!)).toBe(name);
        numbers.add(nr!);
      }
      expect(numbers.size).toBe(syscallNames(arch).length);
    }
  });

  it("only accept names of the ABI, and canonical names are fixed points", () => {
    const arches = fc.constantFrom(...ARCHES);
    const anyName = fc.oneof(
      fc.constantFrom(...ARCHES.flatMap((arch) => syscallNames(arch))),
      fc.string(),
      fc.constantFrom("sync_file_range2", "fadvise64_64"),
    );
    fc.assert(
      fc.property(arches, anyName, (arch, name) => {
        expect(isSyscall(arch, name)).toBe(syscallNames(arch).includes(name as never));
        const canonical = canonicalSyscallName(arch, name);
        if (canonical !== undefined) {
          expect(isSyscall(arch, canonical)).toBe(true);
          expect(canonicalSyscallName(arch, canonical)).toBe(canonical);
        }
      }),
    );
  });
});

describe("the package root", () => {
  it("exports the table API", () => {
    expect(packageRoot.syscallNumber).toBe(syscallNumber);
    expect(packageRoot.equivalentSyscalls).toBeTypeOf("function");
  });
});
