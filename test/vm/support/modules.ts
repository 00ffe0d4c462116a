import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * The modules the initramfs loads, by module name:
 * virtio PCI transport, 9p over virtio (host root and shared directory), and
 * virtio_console for the control port.
 */
export const INITRAMFS_MODULES = [
  "virtio_ring",
  "virtio",
  "virtio_pci_modern_dev",
  "virtio_pci_legacy_dev",
  "virtio_pci",
  "netfs",
  "fscache",
  "9pnet",
  "9pnet_virtio",
  "9p",
  "virtio_console",
] as const;

/** A loadable module file, relative to the kernel's module directory. */
export interface ModuleFile {
  readonly name: string;
  readonly path: string;
}

/** `kernel/fs/9p/9p.ko.xz` → `9p`; modprobe treats `-` and `_` alike. */
export function moduleName(path: string): string {
  return basename(path).replace(/\.ko(\.\w+)?$/, "").replaceAll("-", "_");
}

/** modules.dep: `path: dependency-path …` per line, as written by depmod. */
export function parseModulesDep(text: string): Map<string, ModuleFile[]> {
  const deps = new Map<string, ModuleFile[]>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    const requires = line
      .slice(colon + 1)
      .split(" ")
      .filter((dep) => dep.length > 0)
      .map((dep) => ({ name: moduleName(dep), path: dep }));
    deps.set(moduleName(path), [{ name: moduleName(path), path }, ...requires]);
  }
  return deps;
}

/**
 * The module files to insmod, dependencies first, each once. Modules built into
 * the kernel (modules.builtin) need no file and are left out.
 */
export function moduleLoadOrder(wanted: readonly string[], modulesDep: string, modulesBuiltin: string): ModuleFile[] {
  const deps = parseModulesDep(modulesDep);
  const builtin = new Set(modulesBuiltin.split("\n").filter(Boolean).map(moduleName));
  const order: ModuleFile[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name) || builtin.has(name)) return;
    const entry = deps.get(name);
    if (!entry) throw new Error(`kernel module ${name} is neither in modules.dep nor in modules.builtin`);
    const [self, ...requires] = entry as [ModuleFile, ...ModuleFile[]];
    placed.add(name);
    for (const dep of requires) place(dep.name);
    order.push(self);
  };
  for (const name of wanted) place(name);
  return order;
}

/** moduleLoadOrder for the installed kernel whose module tree is `modulesDir`. */
export function kernelModuleLoadOrder(modulesDir: string, wanted: readonly string[] = INITRAMFS_MODULES): ModuleFile[] {
  const read = (file: string) => readFileSync(join(modulesDir, file), "utf8");
  return moduleLoadOrder(wanted, read("modules.dep"), read("modules.builtin"));
}
