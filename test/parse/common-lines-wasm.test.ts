import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CLANG, generateModuleFile, MODULE_FILE } from "../../src/parse/wasm/generate.js";
import { requireTools } from "../support/tools.js";

const missing = requireTools("compiling common-lines.c", CLANG, "wasm-ld-14");

describe.skipIf(missing.length > 0)("the common-lines WebAssembly module", () => {
  test("is what common-lines.c compiles to, byte for byte", () => {
    expect(generateModuleFile(), `${MODULE_FILE} differs from the compiler's output; run npm run wasm`).toBe(readFileSync(MODULE_FILE, "utf8"));
  });
});
