import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Runtime = "runc" | "crun";
export const RUNTIMES: readonly Runtime[] = ["runc", "crun"];

/** An OCI `linux.seccomp` object, passed to the runtime as is. */
export type OciSeccomp = Readonly<Record<string, unknown>>;

/** A host directory visible in the container. */
export interface Bind {
  readonly host: string;
  readonly container: string;
  readonly writable: boolean;
}

export interface ContainerSpec {
  readonly runtime: Runtime;
  readonly args: readonly string[];
  readonly noNewPrivileges: boolean;
  readonly seccomp?: OciSeccomp;
  /** Added to the default set, e.g. `CAP_SYS_PTRACE` to run strace inside. */
  readonly extraCapabilities?: readonly string[];
  readonly binds?: readonly Bind[];
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to root. */
  readonly user?: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
}

/** What `runc spec` gives a process. */
const DEFAULT_CAPABILITIES = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
const SYMLINKED_DIRS = ["bin", "lib", "lib64", "sbin"];

interface Mount {
  readonly destination: string;
  readonly type: string;
  readonly source: string;
  readonly options?: readonly string[];
}

function mounts(binds: readonly Bind[]): Mount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc" },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"] },
    { destination: "/etc", type: "bind", source: "/etc", options: ["rbind", "ro"] },
    { destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777", "size=65536k"] },
    ...binds.map((bind) => ({
      destination: bind.container,
      type: "bind",
      source: bind.host,
      options: ["rbind", bind.writable ? "rw" : "ro"],
    })),
  ];
}

/**
 * The OCI config: `runc spec`'s defaults, minus the network namespace (the
 * container shares the host's loopback, which is up; a new network namespace
 * would have `lo` down) and minus `/sys` (nothing here needs it). crun gets no
 * `linux.resources`: its device rules need eBPF, which it cannot load here.
 */
function ociConfig(spec: ContainerSpec, rootfs: string): object {
  const capabilities = [...DEFAULT_CAPABILITIES, ...(spec.extraCapabilities ?? [])];
  const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...spec.env };
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: spec.user ?? { uid: 0, gid: 0 },
      args: spec.args,
      env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
      cwd: "/",
      capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities, ambient: capabilities },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
      noNewPrivileges: spec.noNewPrivileges,
    },
    root: { path: rootfs, readonly: true },
    hostname: "profilesmith",
    mounts: mounts(spec.binds ?? []),
    linux: {
      ...(spec.runtime === "runc" ? { resources: { devices: [{ allow: false, access: "rwm" }] } } : {}),
      namespaces: [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }],
      maskedPaths: [
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/sys/firmware",
        "/proc/scsi",
      ],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
      ...(spec.seccomp ? { seccomp: spec.seccomp } : {}),
    },
  };
}

/**
 * Writes a bundle into a new temp dir: an empty root with the host's `/usr`
 * and `/etc` bound read-only, `bin`, `lib`, `lib64`, `sbin` as symlinks into
 * `usr/`, and a mount point for every mount. Returns the bundle dir.
 */
export function writeBundle(spec: ContainerSpec): string {
  const bundle = mkdtempSync(join(tmpdir(), "profilesmith-bundle-"));
  const rootfs = join(bundle, "rootfs");
  for (const mount of mounts(spec.binds ?? [])) mkdirSync(join(rootfs, mount.destination), { recursive: true });
  for (const dir of SYMLINKED_DIRS) symlinkSync(`usr/${dir}`, join(rootfs, dir));
  writeFileSync(join(bundle, "config.json"), JSON.stringify(ociConfig(spec, rootfs), null, 2));
  return bundle;
}
