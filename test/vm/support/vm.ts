import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ConsoleLog } from "./console-log.js";
import { ControlPort } from "./control-port.js";
import { parseDenials, type AppArmorDenial } from "./denials.js";
import { initramfsFor } from "./initramfs.js";
import { findVmKernel } from "./kernel.js";

/** What a shell script run in the VM printed and how it exited. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface VmOptions {
  readonly memoryMb?: number;
  /** From starting qemu to the agent's "ready"; TCG on a busy 2-core machine needs 20–40 s. */
  readonly bootTimeoutMs?: number;
}

export interface RunOptions {
  readonly timeoutMs?: number;
}

export interface ContainerSpec {
  readonly args: readonly string[];
  /** `process.apparmorProfile` of the OCI config: runc confines the container process with it. */
  readonly apparmorProfile: string;
}

/** Where the host's shared directory is mounted in the VM (a 9p share, writable). */
export const GUEST_SHARED_DIR = "/run/profilesmith";
/** The container root in the VM: a non-recursive read-only bind of the host root. */
const GUEST_CONTAINER_ROOTFS = "/run/container-rootfs";
const KERNEL_COMMAND_LINE = "console=ttyS0 apparmor=1 security=apparmor panic=-1 quiet";
const AGENT_SCRIPT = new URL("./agent.sh", import.meta.url);

/**
 * An AppArmor-enforcing Debian kernel under qemu whose root filesystem is the
 * host's `/` (read-only over 9p). Boot once per test file with
 * `startAppArmorVm()`, run any number of jobs, then `stop()`.
 */
export class AppArmorVm {
  private queue: Promise<unknown> = Promise.resolve();
  private serial = 0;
  private port: ControlPort | undefined;
  /** Milliseconds from starting qemu until the agent in the VM was ready. */
  bootMs = 0;
  private readonly exited: Promise<never>;
  private readonly killOnExit = () => this.qemu.kill("SIGKILL");

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly console: ConsoleLog,
    private readonly workDir: string,
  ) {
    this.exited = new Promise<never>((_, reject) => {
      const report = (why: string) => reject(this.failure(`qemu ${why}`));
      qemu.once("error", (error) => report(`could not run: ${error.message}`));
      qemu.once("exit", (code, signal) => report(`exited (${signal ?? `code ${code}`})`));
    });
    this.exited.catch(() => undefined);
    process.once("exit", this.killOnExit);
  }

  static async start(options: VmOptions = {}): Promise<AppArmorVm> {
    const kernel = findVmKernel();
    if (!kernel) throw new Error("no /boot/vmlinuz-VERSION with /lib/modules/VERSION/modules.dep to boot");
    const initramfs = initramfsFor(kernel);
    const workDir = mkdtempSync(join(tmpdir(), "profilesmith-vm-"));
    const shared = join(workDir, "shared");
    mkdirSync(join(shared, "jobs"), { recursive: true });
    copyFileSync(AGENT_SCRIPT, join(shared, "agent.sh"));
    const socketPath = join(workDir, "control.sock");

    const qemu = spawn("qemu-system-x86_64", qemuArgs(kernel.image, initramfs, shared, socketPath, options.memoryMb ?? 1024), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const consoleLog = new ConsoleLog();
    qemu.stdout?.setEncoding("utf8").on("data", (chunk: string) => consoleLog.append(chunk));
    qemu.stderr?.setEncoding("utf8").on("data", (chunk: string) => consoleLog.append(chunk));
    const vm = new AppArmorVm(qemu, consoleLog, workDir);
    const started = Date.now();
    try {
      await vm.guard(vm.boot(socketPath), options.bootTimeoutMs ?? 180_000, "boot");
    } catch (error) {
      await vm.stop();
      throw error;
    }
    vm.bootMs = Date.now() - started;
    return vm;
  }

  private async boot(socketPath: string): Promise<void> {
    const port = new ControlPort(await connectWhenListening(socketPath, () => this.running));
    this.port = port;
    const greeting = await port.nextLine();
    if (greeting !== "ready") throw this.failure(`agent greeted with ${JSON.stringify(greeting)}`);
  }

  /** `what` resolved in time, or the VM is killed and the error carries the console tail. */
  private async guard<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.qemu.kill("SIGKILL");
        reject(this.failure(`${what} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([work, this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private get running(): boolean {
    return this.qemu.exitCode === null && this.qemu.signalCode === null;
  }

  /** A fresh name for a job, file or container. */
  private nextId(): string {
    return String(++this.serial);
  }

  private failure(message: string): Error {
    return new Error(`AppArmor VM: ${message}; console tail:\n${this.console.tail()}`);
  }

  /** The last lines of the serial console (kernel messages, init and agent errors). */
  consoleTail(lines?: number): string {
    return this.console.tail(lines);
  }

  /** Writes `content` into the shared directory; returns its path inside the VM. */
  putFile(name: string, content: string): string {
    const hostPath = join(this.workDir, "shared/files", name);
    mkdirSync(dirname(hostPath), { recursive: true });
    writeFileSync(hostPath, content);
    return `${GUEST_SHARED_DIR}/files/${name}`;
  }

  /** Runs `script` with /bin/sh as root in the VM; jobs run one at a time. */
  run(script: string, options: RunOptions = {}): Promise<RunResult> {
    const job = this.queue.then(() => this.guard(this.runNow(script), options.timeoutMs ?? 120_000, "job"));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(script: string): Promise<RunResult> {
    const port = this.port;
    if (!port) throw this.failure("not booted");
    const id = this.nextId();
    const dir = join(this.workDir, "shared/jobs", id);
    mkdirSync(dir);
    writeFileSync(join(dir, "script"), script);
    port.send(`run ${id}`);
    const reply = await port.nextLine();
    if (reply !== `done ${id}`) throw this.failure(`agent answered ${JSON.stringify(reply)} to job ${id}`);
    const read = (file: string) => readFileSync(join(dir, file), "utf8");
    return { stdout: read("stdout"), stderr: read("stderr"), exitCode: Number(read("status")) };
  }

  /** Loads (or replaces) a profile with `apparmor_parser -r`; throws with the parser's message if it refuses. */
  async loadProfile(text: string): Promise<void> {
    const path = this.putFile(`profiles/${this.nextId()}.apparmor`, text);
    const result = await this.run(`apparmor_parser -r ${path}`);
    if (result.exitCode !== 0) throw new Error(`apparmor_parser -r failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }

  /** The AppArmor denials logged since the previous call (reads and clears the kernel log). */
  async takeDenials(): Promise<AppArmorDenial[]> {
    const result = await this.run("dmesg --read-clear");
    if (result.exitCode !== 0) throw new Error(`dmesg failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    return parseDenials(result.stdout);
  }

  /**
   * Runs `spec.args` as a runc container whose root is the host root (read-only),
   * confined the way Docker does it: `process.apparmorProfile` in the OCI config.
   * The config is `runc spec`'s default plus a tmpfs on /tmp. Needs `runc` on the host.
   */
  runContainer(spec: ContainerSpec): Promise<RunResult> {
    const id = `profilesmith-${this.nextId()}`;
    const bundle = join(this.workDir, "shared/bundles", id);
    mkdirSync(bundle, { recursive: true });
    execFileSync("runc", ["spec", "--bundle", bundle]);
    const configPath = join(bundle, "config.json");
    const config = JSON.parse(readFileSync(configPath, "utf8")) as OciConfig;
    config.process = { ...config.process, terminal: false, args: [...spec.args], apparmorProfile: spec.apparmorProfile };
    config.root = { path: GUEST_CONTAINER_ROOTFS, readonly: true };
    config.mounts = [...config.mounts, { destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"] }];
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    return this.run(
      [
        "set -e",
        `mkdir -p ${GUEST_CONTAINER_ROOTFS}`,
        `mountpoint -q ${GUEST_CONTAINER_ROOTFS} || mount --bind / ${GUEST_CONTAINER_ROOTFS}`,
        `exec runc --root /run/runc run --bundle ${GUEST_SHARED_DIR}/bundles/${id} ${id}`,
      ].join("\n"),
    );
  }

  /** Kills qemu and removes the shared directory. Safe to call twice. */
  async stop(): Promise<void> {
    this.port?.close();
    if (this.running) {
      const gone = new Promise((resolve) => this.qemu.once("exit", resolve));
      this.qemu.kill("SIGKILL");
      await gone;
    }
    process.removeListener("exit", this.killOnExit);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

interface OciConfig {
  process: Record<string, unknown>;
  mounts: Record<string, unknown>[];
  root: { path: string; readonly: boolean };
}

/** `AppArmorVm.start`: boots the VM and waits until it accepts jobs. */
export function startAppArmorVm(options?: VmOptions): Promise<AppArmorVm> {
  return AppArmorVm.start(options);
}

function qemuArgs(kernelImage: string, initramfs: string, shared: string, socketPath: string, memoryMb: number): string[] {
  return [
    // TCG by default: a /dev/kvm that exists need not work (nested virtualisation).
    ...["-accel", process.env.PROFILESMITH_VM_ACCEL ?? "tcg", "-cpu", "max"],
    ...["-m", String(memoryMb), "-smp", "1", "-nographic", "-no-reboot", "-nic", "none"],
    ...["-kernel", kernelImage, "-initrd", initramfs, "-append", KERNEL_COMMAND_LINE],
    ...["-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap"],
    ...["-virtfs", `local,path=${shared},mount_tag=shared,security_model=none,multidevs=remap`],
    // server=on,wait=on: qemu starts the guest only once the host is connected, so no line is lost.
    ...["-chardev", `socket,id=control,path=${socketPath},server=on,wait=on`],
    ...["-device", "virtio-serial-pci", "-device", "virtserialport,chardev=control,name=profilesmith.ctl"],
  ];
}

/** Connects once qemu listens on `socketPath`; gives up when `waiting()` turns false. */
async function connectWhenListening(socketPath: string, waiting: () => boolean): Promise<Socket> {
  while (waiting()) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(socketPath);
        socket.once("connect", () => resolve(socket));
        socket.once("error", reject);
      });
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`qemu stopped before listening on ${socketPath}`);
}
