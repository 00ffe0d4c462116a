import { ARCHES, type Arch } from "./arch.js";
import { SYSCALL_TABLES, type SyscallName, type SyscallNameOf } from "./tables.js";
import { byCodeUnit } from "../order.js";

interface Lookup {
  readonly numberOf: ReadonlyMap<string, number>;
  readonly nameOf: ReadonlyMap<number, string>;
  readonly sortedNames: readonly string[];
  readonly unimplemented: ReadonlySet<string>;
  /** Every spelling (the table's and the aliases) to the table's own string. */
  readonly canonical: ReadonlyMap<string, string>;
}

function buildLookup(arch: Arch): Lookup {
  const table = SYSCALL_TABLES[arch];
  const entries: [string, number][] = Object.entries(table.numbers);
  return {
    numberOf: new Map(entries),
    nameOf: new Map(entries.map(([name, nr]) => [nr, name])),
    sortedNames: Object.freeze(entries.map(([name]) => name).sort(byCodeUnit)),
    unimplemented: new Set(table.unimplemented),
    // The table's names last: where an alias is spelled like a name of the table, the table wins.
    canonical: new Map([...Object.entries(table.aliases), ...entries.map(([name]): [string, string] => [name, name])]),
  };
}

const LOOKUPS = Object.fromEntries(ARCHES.map((arch) => [arch, buildLookup(arch)])) as Record<Arch, Lookup>;

/**
 * The number of `name` on `arch` as the kernel sees it (x32 numbers carry
 * 0x40000000), or undefined where that ABI has no such call.
 */
export function syscallNumber(arch: Arch, name: SyscallName): number | undefined {
  return LOOKUPS[arch].numberOf.get(name);
}

/** The name of syscall `nr` on `arch`; x32 numbers must carry 0x40000000, as the kernel sees them. */
export function syscallName<A extends Arch>(arch: A, nr: number): SyscallNameOf<A> | undefined {
  return LOOKUPS[arch].nameOf.get(nr) as SyscallNameOf<A> | undefined;
}

/** Whether `name` is a syscall of `arch`, spelled as our tables spell it. */
export function isSyscall<A extends Arch>(arch: A, name: string): name is SyscallNameOf<A> {
  return LOOKUPS[arch].numberOf.has(name);
}

/**
 * Our table's name for a syscall of `arch` however strace, hrw (the kernel)
 * or libseccomp spell it (arm `sync_file_range2` is `arm_sync_file_range`),
 * or undefined when `arch` has no such call.
 */
export function canonicalSyscallName<A extends Arch>(arch: A, name: string): SyscallNameOf<A> | undefined {
  // The table's own string, not `name`: callers keep it (a parser's `name` is a slice of a whole chunk of input).
  return LOOKUPS[arch].canonical.get(name) as SyscallNameOf<A> | undefined;
}

/**
 * False for names the kernel's table numbers but has no entry point for
 * (`tuxcall`; `uselib` on x86_64), and for names `arch` does not have.
 */
export function isImplemented(arch: Arch, name: SyscallName): boolean {
  const lookup = LOOKUPS[arch];
  return lookup.numberOf.has(name) && !lookup.unimplemented.has(name);
}

/** Every syscall name of `arch`, unimplemented ones included, sorted by code unit. */
export function syscallNames<A extends Arch>(arch: A): readonly SyscallNameOf<A>[] {
  return LOOKUPS[arch].sortedNames as readonly SyscallNameOf<A>[];
}
