import { describe, expect, it } from "vitest";
import {
  AARCH64_EQUIVALENTS,
  ARCHES,
  equivalentSyscalls,
  isSyscall,
  syscallNames,
} from "../../src/syscalls/index.js";

const x86_64Only = syscallNames("x86_64").filter((name) => !isSyscall("aarch64", name));

describe("x86_64 → aarch64 equivalents", () => {
  it("classify every x86_64 name aarch64 lacks, and nothing else", () => {
    expect(Object.keys(AARCH64_EQUIVALENTS).sort()).toEqual(x86_64Only);
  });

  it("name only calls aarch64 has", () => {
    for (const targets of Object.values(AARCH64_EQUIVALENTS)) {
      for (const target of targets) expect(isSyscall("aarch64", target), target).toBe(true);
    }
  });

  it("map the calls libc replaces", () => {
    const expected = {
      open: ["openat"],
      creat: ["openat"],
      stat: ["newfstatat", "statx"],
      lstat: ["newfstatat", "statx"],
      fork: ["clone", "clone3"],
      vfork: ["clone", "clone3"],
      pipe: ["pipe2"],
      poll: ["ppoll"],
      select: ["pselect6"],
      epoll_wait: ["epoll_pwait"],
      epoll_create: ["epoll_create1"],
      getdents: ["getdents64"],
      alarm: ["setitimer"],
      unlink: ["unlinkat"],
      mkdir: ["mkdirat"],
    } as const;
    for (const [name, targets] of Object.entries(expected)) {
      expect(equivalentSyscalls("x86_64", "aarch64", name as keyof typeof expected)).toEqual(targets);
    }
    expect(equivalentSyscalls("x86_64", "aarch64", "access")).toEqual(
      expect.arrayContaining(["faccessat", "faccessat2"]),
    );
    expect(equivalentSyscalls("x86_64", "aarch64", "dup2")).toContain("dup3");
  });

  it("declare the x86-only calls that have no counterpart", () => {
    for (const name of ["arch_prctl", "modify_ldt", "iopl", "ioperm", "set_thread_area", "uretprobe"] as const) {
      expect(equivalentSyscalls("x86_64", "aarch64", name)).toEqual([]);
    }
  });

  it("hold for x32, whose names are x86_64's", () => {
    expect(equivalentSyscalls("x32", "aarch64", "open")).toEqual(["openat"]);
  });
});

describe("equivalentSyscalls", () => {
  it("returns the name itself wherever the target ABI has it", () => {
    for (const from of ARCHES) {
      for (const to of ARCHES) {
        for (const name of syscallNames(from)) {
          if (isSyscall(to, name)) expect(equivalentSyscalls(from, to, name)).toEqual([name]);
        }
      }
    }
  });

  it("only ever answers with names of the target ABI", () => {
    for (const from of ARCHES) {
      for (const to of ARCHES) {
        for (const name of syscallNames(from)) {
          for (const target of equivalentSyscalls(from, to, name) ?? []) expect(isSyscall(to, target)).toBe(true);
        }
      }
    }
  });

  it("says it does not know rather than guess", () => {
    expect(equivalentSyscalls("x86", "aarch64", "socketcall")).toBeUndefined();
    expect(equivalentSyscalls("arm", "x86_64", "arm_sync_file_range")).toBeUndefined();
    expect(equivalentSyscalls("aarch64", "x86_64", "open")).toBeUndefined();
  });
});
