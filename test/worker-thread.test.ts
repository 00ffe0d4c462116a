/**
 * The CLI keeps the main thread's young generation at its first size, and a
 * worker's start (V8 sets up its heap, which raises the process-wide growth
 * factor again) does not undo it unless asked to. Run in a fresh process
 * (the flag is process-wide), on the compiled module: `npm test` builds first.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const MODULE = new URL("../dist/src/worker-thread.js", import.meta.url).href;

/** The main thread's new space after a worker started with `options` ran, and many short-lived objects were made. */
async function newSpaceAfterWorker(options: string): Promise<number> {
  const script = `
    import { getHeapSpaceStatistics } from "node:v8";
    import { once } from "node:events";
    import { capYoungGeneration, startWorker } from ${JSON.stringify(MODULE)};
    capYoungGeneration();
    await once(startWorker(new URL("data:text/javascript,0"), ${options}), "exit");
    let kept = [];
    for (let i = 0; i < 2e6; i++) { kept.push({ i }); if (kept.length > 20000) kept = []; }
    console.log(getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_size);
  `;
  const { stdout } = await promisify(execFile)("node", ["--input-type=module", "-e", script], { encoding: "utf8" });
  return Number(stdout);
}

describe("capYoungGeneration", () => {
  it("holds across a worker's start, unless the worker lets it grow", async () => {
    const capped = await newSpaceAfterWorker("{}");
    const grown = await newSpaceAfterWorker("{ youngGenerationGrows: true }");
    expect(capped).toBeLessThanOrEqual(2 << 20);
    expect(grown).toBeGreaterThanOrEqual(4 * capped);
  });
});
