import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateTables, projectRoot } from "../../syscall-tables/generate.js";

const root = projectRoot();

describe("syscall table generator", () => {
  it("reproduces the checked-in tables byte for byte", () => {
    const files = generateTables(root);
    expect(files.map((file) => file.path)).toEqual([
      "syscall-tables/x86_64.ts",
      "syscall-tables/aarch64.ts",
      "syscall-tables/x86.ts",
      "syscall-tables/x32.ts",
      "syscall-tables/arm.ts",
    ]);
    for (const file of files) {
      expect(file.text, `${file.path} differs from the generator's output; run npm run tables`).toBe(
        readFileSync(join(root, file.path), "utf8"),
      );
    }
  });

  describe("on sources that disagree", () => {
    let scratch: string | undefined;
    afterEach(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    function withEditedSource(file: string, edit: (text: string) => string): string {
      scratch = mkdtempSync(join(tmpdir(), "profilesmith-tables-"));
      cpSync(join(root, "syscall-tables/sources"), join(scratch, "syscall-tables/sources"), { recursive: true });
      const path = join(scratch, "syscall-tables/sources", file);
      writeFileSync(path, edit(readFileSync(path, "utf8")));
      return scratch;
    }

    it("fails on a number that differs", () => {
      const edited = withEditedSource("hrw-syscalls-x86_64", (text) => text.replace("\nopenat\t257\n", "\nopenat\t258\n"));
      expect(() => generateTables(edited)).toThrow(/x86_64: .*\n.*openat: libseccomp 257, hrw 258/);
    });

    it("fails on a name only one source has, unless a reason is listed", () => {
      const edited = withEditedSource("hrw-syscalls-arm64", (text) => text.replace("\nopenat\t56\n", "\nopenat\n"));
      expect(() => generateTables(edited)).toThrow(/openat=56: hrw lacks it and no reason is listed/);
    });

    it("fails when a listed unimplemented call turns out implemented", () => {
      const edited = withEditedSource("hrw-syscalls-x86_64", (text) => `${text}tuxcall\t184\n`);
      expect(() => generateTables(edited)).toThrow(/tuxcall is listed as unimplemented but hrw has it/);
    });

    it("fails on two names with one number", () => {
      const edited = withEditedSource("libseccomp-syscalls.csv", (text) =>
        text.replace(/^write,(\w+),(\w+),\d+,/m, "write,$1,$2,0,"),
      );
      expect(() => generateTables(edited)).toThrow(/write on x86_64: 0 is already read's/);
    });

    it("fails on a malformed CSV line, naming file and line", () => {
      const edited = withEditedSource("libseccomp-syscalls.csv", (text) => text.replace(/^read,\d+/m, "read,x"));
      expect(() => generateTables(edited)).toThrow(/libseccomp-syscalls\.csv:\d+: read on x86: "x"/);
    });
  });
});
