import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ARCHES, type Arch, syscallNames, syscallNumber } from "../../src/syscalls/index.js";
import { requireTools } from "../support/tools.js";

/** scmp_sys_resolver's answer for a name it has never heard of. */
const UNKNOWN = -1;

/**
 * Names the installed libseccomp knows but resolves to one of its negative
 * pseudo-numbers instead of our number, with why.
 */
const PSEUDO_NUMBERED: Readonly<Partial<Record<Arch, Readonly<Record<string, string>>>>> = {
  x86: Object.fromEntries(
    [
      ...["accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen", "recvfrom"],
      ...["recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown", "socket"],
      ...["socketpair", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "shmat", "shmctl"],
      ...["shmdt", "shmget"],
    ].map((name) => [
      name,
      "libseccomp 2.5 names socketcall/ipc multiplexed calls by pseudo-numbers and filters both the direct and the multiplexed form",
    ]),
  ),
  x32: {
    map_shadow_stack: "the installed libseccomp has it for x86_64 only; our newer CSV and hrw give x32 453 too",
  },
};

/** What `scmp_sys_resolver -a ARCH NAME` prints for each name: one shell, not one process per name. */
function resolveAll(arch: Arch, names: readonly string[]): Map<string, number> {
  const script = `for name in "$@"; do printf '%s %s\\n' "$name" "$(scmp_sys_resolver -a ${arch} "$name")"; done`;
  const output = execFileSync("sh", ["-c", script, "sh", ...names], { encoding: "utf8" });
  return new Map(
    output
      .trimEnd()
      .split("\n")
      .map((line) => {
        const [name = "", number = ""] = line.split(" ");
        return [name, Number(number)] as const;
      }),
  );
}

const missing = requireTools("libseccomp cross-check", "scmp_sys_resolver");

describe.skipIf(missing.length > 0)("the installed libseccomp (scmp_sys_resolver)", () => {
  it.each(ARCHES)("resolves every %s name to our number, or does not know it yet", (arch) => {
    const names = syscallNames(arch);
    const resolved = resolveAll(arch, names);
    const known = PSEUDO_NUMBERED[arch] ?? {};
    const newer: string[] = [];
    const disagreements: string[] = [];
    for (const name of names) {
      const theirs = resolved.get(name);
      const ours = syscallNumber(arch, name);
      if (theirs === UNKNOWN) newer.push(name);
      else if (theirs !== ours && !(theirs !== undefined && theirs < 0 && name in known)) {
        disagreements.push(`${name}: ours ${ours}, libseccomp ${theirs}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(resolved.size).toBe(names.length);
    if (newer.length > 0) {
      console.log(`${arch}: ${newer.length} names newer than the installed libseccomp: ${newer.join(" ")}`);
    }
  });
});
