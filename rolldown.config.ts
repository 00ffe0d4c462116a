/**
 * Bundles the CLI and its worker threads into dist/cli/: a start-up loads a
 * few dozen kilobytes of chunks instead of ~180 modules, and only the parts of
 * zod it uses. The library (dist/src/) is tsc's output, unbundled.
 *
 * Every chunk lands in one folder, so a worker's `new URL("./….js",
 * import.meta.url)` names the worker entry beside it, as it does in dist/src/.
 */
import { defineConfig } from "rolldown";

export default defineConfig({
  input: {
    main: "dist/src/cli/main.js",
    "census-worker": "dist/src/policy/census-worker.js",
    "trace-worker": "dist/src/apparmor/trace-worker.js",
    "scan-worker": "dist/src/parse/scan-worker.js",
  },
  // Loaded lazily with require() (OCI and SPO output, allowlists): one copy, from node_modules.
  external: ["ajv", "yaml"],
  platform: "node",
  output: { dir: "dist/cli", format: "esm", cleanDir: true },
});
