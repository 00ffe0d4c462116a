/**
 * Generates one TypeScript table per ABI (`syscall-tables/<arch>.ts`) from
 * libseccomp's syscalls.csv, after cross-checking every name and number
 * against hrw's tables. Run with `npm run tables`; a test regenerates the
 * tables in-process and byte-compares them with the checked-in files.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ARCHES, ARCH_INFO, type Arch } from "../src/syscalls/arch.js";

interface Source {
  /** Path from the project root. */
  readonly file: string;
  readonly upstream: string;
  readonly commit: string;
}

const LIBSECCOMP: Source = {
  file: "syscall-tables/sources/libseccomp-syscalls.csv",
  upstream: "seccomp/libseccomp src/syscalls.csv",
  commit: "90d3f7dd",
};

/** hrw names the ABIs as the kernel's arch directories do. */
const HRW_ABI: Readonly<Record<Arch, string>> = {
  x86_64: "x86_64",
  aarch64: "arm64",
  x86: "i386",
  x32: "x32",
  arm: "arm",
};

function hrwSource(arch: Arch): Source & { readonly linux: string } {
  return {
    file: `syscall-tables/sources/hrw-syscalls-${HRW_ABI[arch]}`,
    upstream: "hrw/syscalls-table data/tables",
    commit: "2d39b256",
    linux: "7.2.0-rc1",
  };
}

const NEVER = "reserved in the kernel's table, never implemented";
const STREAMS = "reserved for STREAMS, never implemented";
const REMOVED_2_6 = "removed in Linux 2.6 with the old module loader";
const SYSCTL_REMOVED = "removed in Linux 5.5; the number stays reserved";
const NFSSERVCTL_REMOVED = "removed in Linux 3.1; the number stays reserved";
const REMOVED = "implemented once, since removed; the number stays reserved";
const NO_X86_64_USELIB = "x86_64 reserves the number but never had a.out uselib";

/**
 * Names libseccomp lists with a number and hrw drops because the kernel has no
 * entry point for them. They stay valid names, marked unimplemented. Every
 * name libseccomp has and hrw lacks must be here, and everything here must be
 * such a name: the generator fails otherwise.
 */
const UNIMPLEMENTED: Readonly<Record<Arch, Readonly<Record<string, string>>>> = {
  x86_64: {
    _sysctl: SYSCTL_REMOVED,
    afs_syscall: NEVER,
    create_module: REMOVED_2_6,
    get_kernel_syms: REMOVED_2_6,
    getpmsg: STREAMS,
    nfsservctl: NFSSERVCTL_REMOVED,
    putpmsg: STREAMS,
    query_module: REMOVED_2_6,
    security: NEVER,
    tuxcall: NEVER,
    uselib: NO_X86_64_USELIB,
    vserver: NEVER,
  },
  aarch64: {
    nfsservctl: "the generic table reserves 42 for it; removed in Linux 3.1, before arm64 existed",
  },
  x86: {
    _sysctl: SYSCTL_REMOVED,
    afs_syscall: NEVER,
    bdflush: REMOVED,
    break: NEVER,
    create_module: REMOVED_2_6,
    ftime: NEVER,
    get_kernel_syms: REMOVED_2_6,
    getpmsg: STREAMS,
    gtty: NEVER,
    idle: REMOVED,
    lock: NEVER,
    mpx: NEVER,
    nfsservctl: NFSSERVCTL_REMOVED,
    prof: NEVER,
    profil: NEVER,
    putpmsg: STREAMS,
    query_module: REMOVED_2_6,
    stty: NEVER,
    ulimit: NEVER,
    uselib: REMOVED,
    vserver: NEVER,
  },
  x32: {
    afs_syscall: NEVER,
    getpmsg: STREAMS,
    putpmsg: STREAMS,
    security: NEVER,
    tuxcall: NEVER,
  },
  arm: {
    _sysctl: SYSCTL_REMOVED,
    bdflush: REMOVED,
    nfsservctl: NFSSERVCTL_REMOVED,
    uselib: REMOVED,
    vserver: NEVER,
  },
};

interface Alias {
  readonly name: string;
  readonly reason: string;
}

/**
 * Other spellings of a table name on one ABI: what hrw's tables (the
 * kernel's own name) or strace print where libseccomp, and so our table,
 * says something else.
 */
const ALIASES: Readonly<Record<Arch, Readonly<Record<string, Alias>>>> = {
  x86_64: {},
  aarch64: {},
  x86: {},
  x32: {},
  arm: {
    fadvise64_64: {
      name: "arm_fadvise64_64",
      reason: "strace prints arm 270 as fadvise64_64",
    },
    sync_file_range2: {
      name: "arm_sync_file_range",
      reason: "the kernel, hrw and strace call arm 341 sync_file_range2",
    },
  },
};

export interface GeneratedFile {
  /** Path from the project root. */
  readonly path: string;
  readonly text: string;
}

/** The directory holding package.json, found by walking up from `start`. */
export function projectRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

interface Libseccomp {
  /** As the CSV header states it, e.g. `v7.1.0-rc4`. */
  readonly linux: string;
  readonly numbers: Readonly<Record<Arch, ReadonlyMap<string, number>>>;
}

function fail(source: Source, line: number, message: string): never {
  throw new Error(`${source.file}:${line}: ${message}`);
}

function parseLibseccomp(text: string): Libseccomp {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const header = (lines[0] ?? "").split(",");
  const linux = /^#syscall \((v[^ )]+)/.exec(header[0] ?? "")?.[1];
  if (linux === undefined) fail(LIBSECCOMP, 1, "header does not start with `#syscall (vX.Y...`");
  const columns = new Map(ARCHES.map((arch) => [arch, header.indexOf(arch)] as const));
  for (const [arch, column] of columns) {
    if (column < 1) fail(LIBSECCOMP, 1, `no column for ${arch}`);
  }
  const numbers = Object.fromEntries(ARCHES.map((arch) => [arch, new Map<string, number>()])) as Record<
    Arch,
    Map<string, number>
  >;
  const names = new Set<string>();
  lines.slice(1).forEach((line, index) => {
    const lineNo = index + 2;
    const fields = line.split(",");
    if (fields.length !== header.length) {
      fail(LIBSECCOMP, lineNo, `${fields.length} fields, the header has ${header.length}`);
    }
    const name = fields[0] ?? "";
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(LIBSECCOMP, lineNo, `bad syscall name "${name}"`);
    if (names.has(name)) fail(LIBSECCOMP, lineNo, `${name} listed twice`);
    names.add(name);
    for (const [arch, column] of columns) {
      const value = fields[column] ?? "";
      if (value === "PNR") continue;
      if (!/^\d+$/.test(value)) fail(LIBSECCOMP, lineNo, `${name} on ${arch}: "${value}" is neither a number nor PNR`);
      const number = Number(value) + ARCH_INFO[arch].nrBase;
      const holder = [...numbers[arch]].find(([, taken]) => taken === number)?.[0];
      if (holder !== undefined) fail(LIBSECCOMP, lineNo, `${name} on ${arch}: ${number} is already ${holder}'s`);
      numbers[arch].set(name, number);
    }
  });
  return { linux, numbers };
}

function parseHrw(source: Source, text: string): Map<string, number> {
  const numbers = new Map<string, number>();
  text.split("\n").forEach((line, index) => {
    if (line === "") return;
    const match = /^([a-z_][a-z0-9_]*)(?:\t(\d*))?$/.exec(line);
    if (!match) fail(source, index + 1, `expected "name<TAB>number", got "${line}"`);
    const [, name = "", number = ""] = match;
    if (numbers.has(name)) fail(source, index + 1, `${name} listed twice`);
    if (number !== "") numbers.set(name, Number(number));
  });
  return numbers;
}

/** Throws unless every difference between the two sources is a listed one. */
function crossCheck(arch: Arch, ours: ReadonlyMap<string, number>, hrw: ReadonlyMap<string, number>): void {
  const aliases = ALIASES[arch];
  const unimplemented = UNIMPLEMENTED[arch];
  const problems: string[] = [];
  const theirs = new Map<string, number>();
  for (const [name, number] of hrw) theirs.set(aliases[name]?.name ?? name, number);

  for (const [spelling, { name }] of Object.entries(aliases)) {
    if (!ours.has(name)) problems.push(`alias ${spelling} → ${name}: ${name} is not in the table`);
    if (ours.has(spelling)) problems.push(`alias ${spelling} is itself a table name`);
  }
  for (const [name, number] of ours) {
    const hrwNumber = theirs.get(name);
    if (hrwNumber === undefined) {
      if (!(name in unimplemented)) problems.push(`${name}=${number}: hrw lacks it and no reason is listed`);
    } else if (hrwNumber !== number) {
      problems.push(`${name}: libseccomp ${number}, hrw ${hrwNumber}`);
    } else if (name in unimplemented) {
      problems.push(`${name} is listed as unimplemented but hrw has it`);
    }
  }
  for (const [name, number] of theirs) {
    if (!ours.has(name)) problems.push(`${name}=${number}: only hrw has it`);
  }
  for (const name of Object.keys(unimplemented)) {
    if (!ours.has(name)) problems.push(`${name} is listed as unimplemented but libseccomp lacks it`);
  }
  if (problems.length > 0) {
    throw new Error(`${arch}: libseccomp and hrw disagree:\n  ${problems.join("\n  ")}`);
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function render(arch: Arch, linux: string, numbers: ReadonlyMap<string, number>): string {
  const hrw = hrwSource(arch);
  const rows = [...numbers].sort(([, a], [, b]) => a - b);
  const unimplemented = Object.entries(UNIMPLEMENTED[arch]).sort(([a], [b]) => byCodeUnit(a, b));
  const aliases = Object.entries(ALIASES[arch]).sort(([a], [b]) => byCodeUnit(a, b));
  const nrNote = ARCH_INFO[arch].nrBase ? " (with the x32 bit 0x40000000, as the kernel sees them)" : "";
  return [
    "// Generated by syscall-tables/generate.ts (`npm run tables`). Do not edit.",
    `// Source: ${LIBSECCOMP.file}`,
    `//   ${LIBSECCOMP.upstream} at commit ${LIBSECCOMP.commit}, Linux ${linux}.`,
    `// Cross-checked against: ${hrw.file}`,
    `//   ${hrw.upstream} at commit ${hrw.commit}, Linux ${hrw.linux}.`,
    "",
    `export const ${arch} = {`,
    `  arch: "${arch}",`,
    "  source: {",
    `    file: "${LIBSECCOMP.file}",`,
    `    upstream: "${LIBSECCOMP.upstream}",`,
    `    commit: "${LIBSECCOMP.commit}",`,
    `    linux: "${linux}",`,
    "  },",
    `  /** Name → number${nrNote}, in number order. */`,
    "  numbers: {",
    ...rows.map(([name, number]) => `    ${name}: ${number},`),
    "  },",
    "  /** Numbered in the kernel's table but with no entry point: never implemented, or removed. */",
    "  unimplemented: [",
    ...unimplemented.map(([name, reason]) => `    "${name}", // ${reason}`),
    "  ],",
    "  /** Other spellings (the kernel's, hrw's, strace's) → the table name. */",
    "  aliases: {",
    ...aliases.map(([spelling, { name, reason }]) => `    ${spelling}: "${name}", // ${reason}`),
    "  },",
    "} as const;",
    "",
  ].join("\n");
}

/** The table files as they should be, after cross-checking the sources. */
export function generateTables(root: string = projectRoot()): GeneratedFile[] {
  const read = (source: Source): string => readFileSync(join(root, source.file), "utf8");
  const { linux, numbers } = parseLibseccomp(read(LIBSECCOMP));
  return ARCHES.map((arch) => {
    const hrw = hrwSource(arch);
    crossCheck(arch, numbers[arch], parseHrw(hrw, read(hrw)));
    return { path: `syscall-tables/${arch}.ts`, text: render(arch, linux, numbers[arch]) };
  });
}

function main(): void {
  const root = projectRoot();
  for (const file of generateTables(root)) {
    writeFileSync(join(root, file.path), file.text);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main();
}
