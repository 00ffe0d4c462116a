import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const FEATURES = "test/fixtures/apparmor/features.all";
/** Our snapshot first on the include path, so tunables and abstractions/base come from it. */
const SNAPSHOT = "src/apparmor/data";

export interface ParserRun {
  readonly status: number | null;
  /** stderr as a ByteString (one char per byte). */
  readonly stderr: string;
  /** `aare: AARE   ->   PCRE` lines of `-D rule-exprs`: the parser's pattern and the regex it compiles. */
  readonly exprs: ReadonlyMap<string, string>;
}

/** Compile `text` offline with the real apparmor_parser against the features file, dumping each rule's regex. */
export function runApparmorParser(text: string): ParserRun {
  const dir = mkdtempSync(join(tmpdir(), "profilesmith-aa-"));
  try {
    const file = join(dir, "profile");
    writeFileSync(file, text);
    const run = spawnSync("apparmor_parser", ["-QK", "-M", FEATURES, "-I", SNAPSHOT, "-D", "rule-exprs", file], {
      maxBuffer: 1 << 28,
    });
    const stderr = run.stderr.toString("latin1");
    const exprs = new Map<string, string>();
    for (const m of stderr.matchAll(/^aare: (.*)   ->   (.*)$/gm)) exprs.set(m[1] as string, m[2] as string);
    return { status: run.status, stderr, exprs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
