import { describe, expect, test } from "vitest";
import { callsUnderFilter } from "./support/runtime-trace.js";

describe("callsUnderFilter", () => {
  test("keeps the installing task's calls and its later children's, up to the exec", () => {
    const strace = [
      "100  seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, NULL) = -1 EFAULT (Bad address)",
      "100  openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3",
      "100  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=9, filter=0xc00008f380} <unfinished ...>",
      "200  mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0) = 0x7f0000000000",
      "100  <... prctl resumed>) = 0",
      "100  close(3 <unfinished ...>",
      "100  <... close resumed>) = 0",
      "100  clone(child_stack=NULL, flags=CLONE_VM <unfinished ...>",
      "100  <... clone resumed>) = 101",
      "101  futex(0xc5c728, FUTEX_WAKE_PRIVATE, 1) = 1",
      "100  --- SIGURG {si_signo=SIGURG, si_code=SI_USER, si_pid=0, si_uid=0} ---",
      "100  rt_sigreturn({mask=[]}) = 0",
      "100  execve(\"/usr/bin/true\", [\"/usr/bin/true\"], 0xc000024780 /* 3 vars */ <unfinished ...>",
      "100  <... execve resumed>) = 0",
      "100  brk(NULL) = 0x5555",
    ].join("\n");
    expect(callsUnderFilter(strace)).toEqual(["clone", "close", "execve", "futex", "rt_sigreturn"]);
  });

  test("finds crun's seccomp(2) install, not libseccomp's NULL probes", () => {
    const strace = [
      "7  seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, NULL) = -1 EFAULT (Bad address)",
      "7  read(6, \"\", 8) = 0",
      "7  seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, {len=9, filter=0x5556}) = 0",
      "7  setresuid(0, 0, 0) = 0",
      "7  execve(\"/w/x\", [\"/w/x\"], 0x5555 /* 3 vars */) = 0",
    ].join("\n");
    expect(callsUnderFilter(strace)).toEqual(["execve", "setresuid"]);
  });

  test("is empty when no filter was installed", () => {
    expect(callsUnderFilter("1  execve(\"/x\", [\"/x\"], 0x1 /* 0 vars */) = 0\n")).toEqual([]);
  });
});
