import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VmKernel } from "./kernel.js";
import { kernelModuleLoadOrder, type ModuleFile } from "./modules.js";

/** Where built initramfs images are kept between test runs; never committed. */
export const INITRAMFS_CACHE_DIR = join(tmpdir(), "profilesmith-vm-cache");

const INIT_SCRIPT = readFileSync(new URL("./init.sh", import.meta.url), "utf8");

function busyboxPath(): string {
  return execFileSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).trim();
}

/** The module as an uncompressed .ko: busybox insmod cannot be relied on to decompress. */
function moduleBytes(modulesDir: string, module: ModuleFile): Buffer {
  const path = join(modulesDir, module.path);
  if (module.path.endsWith(".ko")) return readFileSync(path);
  if (module.path.endsWith(".ko.xz")) return execFileSync("busybox", ["unxz", "-c", path], { maxBuffer: 1 << 28 });
  throw new Error(`kernel module ${path}: only .ko and .ko.xz are supported`);
}

function writeTree(root: string, kernel: VmKernel, modules: ModuleFile[], busybox: string): void {
  for (const dir of ["bin", "modules", "proc", "dev", "newroot"]) mkdirSync(join(root, dir));
  copyFileSync(busybox, join(root, "bin/busybox"));
  writeFileSync(join(root, "init"), INIT_SCRIPT);
  chmodSync(join(root, "init"), 0o755);
  for (const module of modules) writeFileSync(join(root, "modules", `${module.name}.ko`), moduleBytes(kernel.modulesDir, module));
  writeFileSync(join(root, "modules/order"), modules.map((module) => module.name).join("\n") + "\n");
}

/**
 * The path of a newc cpio initramfs for `kernel`: busybox-static as the shell,
 * the virtio/9p modules in load order, and init.sh as /init. Built on first use
 * and cached under INITRAMFS_CACHE_DIR, keyed by kernel version and a hash of
 * everything that goes in, so concurrent test files share one build.
 */
export function initramfsFor(kernel: VmKernel): string {
  const modules = kernelModuleLoadOrder(kernel.modulesDir);
  const busybox = busyboxPath();
  const key = createHash("sha256")
    .update(INIT_SCRIPT)
    .update(JSON.stringify(modules))
    .update(readFileSync(busybox))
    .digest("hex")
    .slice(0, 16);
  const image = join(INITRAMFS_CACHE_DIR, `initramfs-${kernel.version}-${key}.cpio`);
  if (existsSync(image)) return image;

  mkdirSync(INITRAMFS_CACHE_DIR, { recursive: true });
  const staging = mkdtempSync(join(INITRAMFS_CACHE_DIR, "build-"));
  try {
    const root = join(staging, "root");
    mkdirSync(root);
    writeTree(root, kernel, modules, busybox);
    const partial = join(staging, "initramfs.cpio");
    execFileSync("sh", ["-c", 'find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$0"', partial], { cwd: root });
    renameSync(partial, image);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return image;
}
