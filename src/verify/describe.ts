/**
 * Words for what a seccomp filter does, shared by verify, lint and diff:
 * verdicts, argument values and conditions as a person reads them
 * (`errno EPERM`, `arg0 == 17 (AF_PACKET)`, `arg0 & 0x7e020000 == 0`).
 */
import { ADDRESS_FAMILIES, CLONE_FLAGS } from "../parse/constants.js";
import type { ArgCondition } from "../policy/model.js";
import type { Verdict } from "../seccomp/index.js";

/** The errno values profiles commonly answer with (asm-generic/errno-base.h, errno.h). */
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  13: "EACCES",
  22: "EINVAL",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
  97: "EAFNOSUPPORT",
};

/** `allow`, `errno EPERM`, `errno 5`, `trace 7`, `kill-process`. */
export function verdictText(verdict: Verdict): string {
  if (verdict.action === "errno") return `errno ${ERRNO_NAMES[verdict.errno] ?? verdict.errno}`;
  if (verdict.action === "trace") return `trace ${verdict.data}`;
  return verdict.action;
}

/** Verdicts under which the call runs (`log` runs it and logs it). */
export function letsCallRun(verdict: Verdict): boolean {
  return verdict.action === "allow" || verdict.action === "log";
}

const FAMILY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ADDRESS_FAMILIES)
    .filter(([name]) => name.startsWith("AF_") && name !== "AF_LOCAL")
    .map(([name, value]) => [value, name] as const),
);

/** The number of address families the kernel knows (AF_MAX). */
export const ADDRESS_FAMILY_COUNT = FAMILY_NAMES.size;

export function familyName(family: number): string | undefined {
  return FAMILY_NAMES.get(family);
}

/** The CLONE_NEW* names of the namespace bits in `flags`. */
export function namespaceFlagNames(flags: bigint): string[] {
  return Object.entries(CLONE_FLAGS)
    .filter(([name, bit]) => name.startsWith("CLONE_NEW") && (flags & BigInt(bit)) !== 0n)
    .map(([name]) => name);
}

function hex(value: number | bigint): string {
  return BigInt(value) === 0n ? "0" : `0x${value.toString(16)}`;
}

/** An argument value as the filter sees it, with what it means where we know (`17 (AF_PACKET)`). */
export function argValueText(syscall: string, index: number, value: number | bigint): string {
  if (index === 0 && (syscall === "socket" || syscall === "socketpair")) {
    const name = familyName(Number(value));
    return name === undefined ? String(value) : `${value} (${name})`;
  }
  if (index === 0 && (syscall === "clone" || syscall === "unshare")) {
    const namespaces = namespaceFlagNames(BigInt(value));
    return namespaces.length === 0 ? hex(value) : `${hex(value)} (${namespaces.join("|")})`;
  }
  return BigInt(value) > 0xffffn ? hex(value) : String(value);
}

/** `arg0 == 2 (AF_INET)`, `arg1 != 5`, `arg0 & 0x7e020000 == 0`. */
export function conditionText(syscall: string, condition: ArgCondition): string {
  const arg = `arg${condition.index}`;
  if (condition.op === "MASKED_EQ") {
    return `${arg} & ${hex(condition.value)} == ${argValueText(syscall, condition.index, condition.valueTwo)}`;
  }
  const op = { EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=" }[condition.op];
  return `${arg} ${op} ${argValueText(syscall, condition.index, condition.value)}`;
}

/** A rule's conditions, ANDed: `always` when it has none. */
export function conditionsText(syscall: string, conditions: readonly ArgCondition[]): string {
  return conditions.length === 0 ? "always" : conditions.map((c) => conditionText(syscall, c)).join(" and ");
}
