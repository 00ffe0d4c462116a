import { aarch64 } from "../../syscall-tables/aarch64.js";
import { arm } from "../../syscall-tables/arm.js";
import { x32 } from "../../syscall-tables/x32.js";
import { x86 } from "../../syscall-tables/x86.js";
import { x86_64 } from "../../syscall-tables/x86_64.js";
import type { Arch } from "./arch.js";

/** The shape every generated table has (see syscall-tables/generate.ts). */
interface SyscallTable {
  readonly arch: Arch;
  readonly source: { readonly file: string; readonly upstream: string; readonly commit: string; readonly linux: string };
  readonly numbers: Readonly<Record<string, number>>;
  readonly unimplemented: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
}

interface Tables {
  readonly x86_64: typeof x86_64;
  readonly aarch64: typeof aarch64;
  readonly x86: typeof x86;
  readonly x32: typeof x32;
  readonly arm: typeof arm;
}

/** The generated syscall table of each ABI. */
export const SYSCALL_TABLES: Tables = { x86_64, aarch64, x86, x32, arm } satisfies {
  readonly [A in Arch]: SyscallTable & { readonly arch: A };
};

/** The syscall names of one ABI, e.g. `SyscallNameOf<"aarch64">` has `openat` but not `open`. */
export type SyscallNameOf<A extends Arch> = A extends Arch ? keyof Tables[A]["numbers"] & string : never;

/** Every syscall name of every ABI. */
export type SyscallName = SyscallNameOf<Arch>;
