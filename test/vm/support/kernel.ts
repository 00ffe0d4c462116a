import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** A bootable kernel image together with the module tree built for it. */
export interface VmKernel {
  readonly version: string;
  readonly image: string;
  readonly modulesDir: string;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The newest `/boot/vmlinuz-VERSION` that is readable and has
 * `/lib/modules/VERSION/modules.dep` (Debian's `linux-image-amd64` installs both),
 * or undefined when there is none.
 */
export function findVmKernel(bootDir = "/boot", modulesRoot = "/lib/modules"): VmKernel | undefined {
  if (!existsSync(bootDir)) return undefined;
  const kernels = readdirSync(bootDir)
    .filter((name) => name.startsWith("vmlinuz-"))
    .map((name) => {
      const version = name.slice("vmlinuz-".length);
      return { version, image: join(bootDir, name), modulesDir: join(modulesRoot, version) };
    })
    .filter((kernel) => readable(kernel.image) && existsSync(join(kernel.modulesDir, "modules.dep")))
    .sort((a, b) => a.version.localeCompare(b.version, "en", { numeric: true }));
  return kernels.at(-1);
}
