import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new temp dir that a container's non-root user can also read (mkdtemp makes it 0700). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `profilesmith-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}
