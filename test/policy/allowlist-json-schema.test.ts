import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { allowlistJsonSchema } from "../../src/policy/index.js";

describe("schemas/allowlist.schema.json", () => {
  it("is what the zod schema generates (regenerate with vitest -u)", async () => {
    await expect(allowlistJsonSchema()).toMatchFileSnapshot("../../schemas/allowlist.schema.json");
  });

  it("accepts a full allowlist and rejects unknown fields", () => {
    const validate = new Ajv2020({ strict: true }).compile(JSON.parse(allowlistJsonSchema()));
    const full = {
      version: 1,
      seccomp: {
        allow: ["read"],
        deny: ["ptrace"],
        rules: [{ names: ["socket"], args: [{ index: 0, op: "EQ", value: 2 }] }],
        arch: { x86_64: { allow: ["arch_prctl"] } },
      },
      apparmor: {
        files: [{ path: "/etc/nginx/**", perms: "r" }],
        exec: ["/usr/sbin/nginx"],
        capabilities: ["net_bind_service"],
        network: ["inet stream"],
      },
    };
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...full, seccomp: { alow: ["read"] } })).toBe(false);
    expect(validate({ version: 2 })).toBe(false);
  });
});
