/** Profiles with bad syntax are refused on one line naming the file and the line. */
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { readDocker, readOci, readSpo } from "../../src/seccomp/index.js";

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("not refused");
}

describe("JSON syntax errors", () => {
  test.each([
    ["a trailing comma", '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n}\n', "p.json:3: not JSON: Expected double-quoted property name"],
    ["a bare word (V8 quotes the text, without a position)", '{\n  "defaultAction":\n    SCMP_ACT_ERRNO\n}\n', "p.json:3: not JSON: Unexpected token 'S'"],
    ["a long text with a bare word", `{\n  "architectures": [${'"SCMP_ARCH_X86_64", '.repeat(5)}\n  x ]\n}\n`, "p.json:3: not JSON: Unexpected token 'x'"],
    ["the end of the text", '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "architectures": [\n', "p.json:3: not JSON: Unexpected end of JSON input"],
    ["an empty file", "", "p.json:1: not JSON: Unexpected end of JSON input"],
    ["text after the object", "{}\n\n}\n", "p.json:3: not JSON: Unexpected non-whitespace character after JSON"],
  ])("%s", (_, text, message) => {
    for (const read of [() => readDocker(text, "p.json"), () => readOci(text, "p.json")]) {
      expect(refusal(read)).toBe(message);
    }
  });
});

describe("YAML syntax errors", () => {
  test("an SPO resource with a bad indent", () => {
    const text = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: x\n spec: {}\n";
    const message = refusal(() => readSpo(text, "p.yaml"));
    expect(message).toMatch(/^p\.yaml:5: not YAML: \S/);
    expect(message).not.toContain("\n");
  });

  test("an unclosed flow sequence", () => {
    const message = refusal(() => readSpo("spec:\n  syscalls: [\n    read,\n", "p.yaml"));
    expect(message).toMatch(/^p\.yaml:\d+: not YAML: \S/);
    expect(message).not.toContain("\n");
  });
});
