/**
 * The JSON Schema of allowlist files, generated from AllowlistSchema for
 * editors and other tools; schemas/allowlist.schema.json holds its text and a
 * test keeps the file current (`npx vitest run test/policy/allowlist-json-schema.test.ts --update`
 * rewrites it). Syscall names are checked against the tables only by
 * profilesmith itself.
 */
import { z } from "zod";
import { AllowlistSchema } from "./allowlist-schema.js";

export function allowlistJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(AllowlistSchema, { io: "input" }), null, 2)}\n`;
}
