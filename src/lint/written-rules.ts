/**
 * A profile's rules as the file writes them, before reading folds them into
 * our profile type: reading drops rules that repeat the default action and
 * names an ABI does not have (as runc does), and lint reports exactly those.
 * The file has been read with `readSeccompProfile` already, so its shape is
 * known to be valid here.
 */
import { parse } from "yaml";
import type { SeccompProfile, Verdict } from "../seccomp/profile.js";
import { verdictFromScmp, type ScmpActionSchema } from "../seccomp/scmp.js";
import { ARCH_INFO, type Arch } from "../syscalls/arch.js";
import type { z } from "zod";

/** One `syscalls[]` entry: where it is in the file, its names, its verdict and the ABIs it applies to. */
export interface WrittenRule {
  /** `file: syscalls[3]`, `file: spec.syscalls[3]`, `file: linux.seccomp.syscalls[3]`. */
  readonly where: string;
  readonly names: readonly string[];
  readonly verdict: Verdict;
  readonly arches: readonly Arch[];
}

type Action = z.infer<typeof ScmpActionSchema>;

interface ArchFilter {
  readonly arches?: readonly string[];
}

interface SyscallEntry {
  readonly name?: string;
  readonly names?: readonly string[];
  readonly action: Action;
  readonly errnoRet?: number;
  readonly includes?: ArchFilter;
  readonly excludes?: ArchFilter;
}

interface SeccompObject {
  readonly defaultAction: Action;
  readonly defaultErrnoRet?: number;
  readonly syscalls?: readonly SyscallEntry[] | null;
}

/** moby's names (Go's GOARCH) for the hosts of our native ABIs, as `includes.arches` says them. */
const HOST_NAMES: Readonly<Record<Arch, string>> = { x86_64: "amd64", x86: "amd64", x32: "amd64", aarch64: "arm64", arm: "arm64" };

/** The seccomp object of a document in any of the three formats, and its field path prefix. */
function seccompObject(document: Record<string, unknown>): { object: SeccompObject; prefix: string } {
  if ("kind" in document) return { object: document.spec as SeccompObject, prefix: "spec." };
  if ("linux" in document) return { object: (document.linux as { seccomp: SeccompObject }).seccomp, prefix: "linux.seccomp." };
  return { object: document as unknown as SeccompObject, prefix: "" };
}

function appliesTo(entry: SyscallEntry, arch: Arch): boolean {
  const host = HOST_NAMES[ARCH_INFO[arch].native];
  if (entry.includes?.arches && !entry.includes.arches.includes(host)) return false;
  return !entry.excludes?.arches?.includes(host);
}

/** The file's rules, for a file `readSeccompProfile` has read as `profile`. */
export function writtenRules(text: string, file: string, profile: SeccompProfile): WrittenRule[] {
  const { object, prefix } = seccompObject(parse(text) as Record<string, unknown>);
  return (object.syscalls ?? []).map((entry, i) => {
    const where = `${file}: ${prefix}syscalls[${i}]`;
    return {
      where,
      names: entry.names ?? (entry.name !== undefined ? [entry.name] : []),
      verdict: verdictFromScmp(entry.action, entry.errnoRet, where),
      arches: profile.arches.filter((arch) => appliesTo(entry, arch)),
    };
  });
}

