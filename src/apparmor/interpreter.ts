/**
 * A script's interpreter: the kernel runs the program its `#!` line names, so
 * a profile that lets the workload run the script must let it run that too.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

/** binfmt_script reads at most this much of the first line (BINPRM_BUF_SIZE). */
const SHEBANG_BYTES = 256;

/** The interpreter `#!` names in file `path` under `root`, or undefined (not a script, unreadable). */
export function interpreterOf(root: string, path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(root, path), "r");
    const head = Buffer.alloc(SHEBANG_BYTES);
    const length = readSync(fd, head, 0, SHEBANG_BYTES, 0);
    const line = head.subarray(0, length).toString("latin1").split("\n")[0] as string;
    if (!line.startsWith("#!")) return undefined;
    const program = line.slice(2).trim().split(/[ \t]+/)[0];
    return program !== undefined && program.startsWith("/") ? program : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
