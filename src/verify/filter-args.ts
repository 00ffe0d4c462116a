/**
 * The argument values a seccomp filter sees for a traced call, as far as the
 * trace shows them: read from the parser's decoded arguments, by the call's
 * own argument positions. A value the trace does not show is undefined, and
 * so is a negative one (an `int` whose upper register half the filter also
 * sees depends on the C library). clone3 and openat2 pass their flags in
 * memory, where no filter can look, so they have none.
 */
import type { DecodedArgs, SyscallEvent } from "../events/types.js";

export type FilterArgs = readonly (number | undefined)[];

type ArgReader = (decoded: DecodedArgs) => FilterArgs | undefined;

const readers: [readonly string[], ArgReader][] = [
  [["socket", "socketpair"], (d) => (d.call === "socket" ? [d.domain, d.type, d.protocol] : undefined)],
  [["clone"], (d) => (d.call === "clone" ? [d.flags] : undefined)],
  [["unshare"], (d) => (d.call === "unshare" ? [d.flags] : undefined)],
  [["personality"], (d) => (d.call === "personality" ? [d.persona] : undefined)],
  [["prctl"], (d) => (d.call === "prctl" ? [d.option] : undefined)],
  [["kill", "tkill", "rt_sigqueueinfo"], (d) => (d.call === "kill" ? [d.target, d.signal] : undefined)],
  [["tgkill", "rt_tgsigqueueinfo"], (d) => (d.call === "kill" ? [undefined, d.target, d.signal] : undefined)],
  [["open"], (d) => (d.call === "open" ? [undefined, d.flags, d.mode] : undefined)],
  [["openat"], (d) => (d.call === "open" ? [d.at.dirfd.fd, undefined, d.flags, d.mode] : undefined)],
  [["mmap", "mmap2"], (d) => (d.call === "mmap" ? [undefined, undefined, d.prot, d.flags, d.fd.fd] : undefined)],
  [["mprotect", "pkey_mprotect"], (d) => (d.call === "mprotect" ? [undefined, undefined, d.prot] : undefined)],
  [["fcntl", "fcntl64", "flock"], (d) => (d.call === "fd" ? [d.fd.fd, d.op] : undefined)],
  [["bind", "connect"], (d) => (d.call === "address" ? [d.fd.fd] : undefined)],
];

const READERS: ReadonlyMap<string, ArgReader> = new Map(
  readers.flatMap(([names, reader]) => names.map((name) => [name, reader] as const)),
);

/** The values of `event`'s arguments by position; undefined where the trace does not show one. */
export function filterArgs(event: SyscallEvent): FilterArgs {
  const reader = READERS.get(event.name);
  const values = event.decoded && reader ? (reader(event.decoded) ?? []) : [];
  return values.map((value) => (value === undefined || value < 0 ? undefined : value));
}
