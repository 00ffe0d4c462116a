import { UNDER_CI, requireTools } from "../../support/tools.js";
import { findVmKernel } from "./kernel.js";

/**
 * What is missing to boot the AppArmor VM: the tools, then a Debian kernel with
 * its modules. Same rule as `requireTools`: skips with a reason locally, throws
 * under `CI=true`. Use as `describe.skipIf(requireAppArmorVm("…").length)(…)`.
 */
export function requireAppArmorVm(what: string, ...extraTools: string[]): string[] {
  const missing = requireTools(what, "qemu-system-x86_64", "busybox", "cpio", "apparmor_parser", "aa-exec", ...extraTools);
  if (missing.length > 0 || findVmKernel()) return missing;
  const reason = `${what}: needs a readable /boot/vmlinuz-VERSION with /lib/modules/VERSION/modules.dep (bash .ci/run installs linux-image-amd64)`;
  if (UNDER_CI) throw new Error(`${reason}; under CI=true this must run, not skip`);
  process.stderr.write(`skipping ${reason}\n`);
  return ["kernel"];
}
