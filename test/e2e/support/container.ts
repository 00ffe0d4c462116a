import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { writeBundle, type ContainerSpec, type Runtime } from "./bundle.js";
import { reaperPath } from "./reaper.js";

export interface ContainerResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** `run`, or `create` then `start` as Docker, containerd and podman do. */
export type Lifecycle = "run" | "create-start";
export const LIFECYCLES: readonly Lifecycle[] = ["run", "create-start"];

export interface RunOptions {
  readonly lifecycle?: Lifecycle;
  /** A host command the runtime runs under, e.g. `strace -f -o FILE`. */
  readonly wrap?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * crun refuses this host's hybrid cgroup layout, so it runs in a private mount
 * namespace whose /sys/fs/cgroup is a pure cgroup2 mount.
 */
const CGROUP2_VIEW =
  'umount -R /sys/fs/cgroup 2>/dev/null; mount -t cgroup2 none /sys/fs/cgroup && exec "$@"';

function runtimeCommand(runtime: Runtime, args: readonly string[]): string[] {
  if (runtime === "runc") return ["runc", ...args];
  return ["unshare", "-m", "sh", "-c", CGROUP2_VIEW, "sh", "crun", ...args];
}

function exec(command: readonly string[], timeoutMs: number): Promise<ContainerResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString() + (signal ? `\n(killed by ${signal} after ${timeoutMs} ms)` : ""),
        exitCode: code ?? 128,
      });
    });
  });
}

/**
 * Deletes container `id`, checking it is gone: an init process stuck under a
 * filter that denies what it needs can outlive one `delete -f`.
 */
async function deleteContainer(runtime: Runtime, id: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await exec(runtimeCommand(runtime, ["delete", "-f", id]), 30_000);
    if ((await exec(runtimeCommand(runtime, ["state", id]), 30_000)).exitCode !== 0) return;
  }
  throw new Error(`${runtime} could not delete container ${id}`);
}

/** Runs `spec` to completion under a unique container id, then deletes the container and its bundle. */
export async function runContainer(spec: ContainerSpec, options: RunOptions = {}): Promise<ContainerResult> {
  const bundle = writeBundle(spec);
  const id = `profilesmith-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    const command =
      options.lifecycle === "create-start"
        ? [
            reaperPath(),
            ...runtimeCommand(spec.runtime, ["create", "--bundle", bundle, id]),
            "--",
            ...runtimeCommand(spec.runtime, ["start", id]),
          ]
        : runtimeCommand(spec.runtime, ["run", "--bundle", bundle, id]);
    return await exec([...(options.wrap ?? []), ...command], options.timeoutMs ?? 60_000);
  } finally {
    await deleteContainer(spec.runtime, id);
    rmSync(bundle, { recursive: true, force: true });
  }
}
