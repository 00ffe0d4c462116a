import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectSymlinks, parseSymlinks, renderSymlinks, type ReadLink } from "../../src/record/symlinks.js";

/** A filesystem of symlinks only: every other path is a directory or file. */
function links(table: Record<string, string>): ReadLink {
  return (path) => table[path];
}

const MERGED_USR = { "/lib": "usr/lib", "/bin": "usr/bin", "/usr/bin/python3": "python3.11", "/etc/alternatives/awk": "/usr/bin/mawk", "/usr/bin/awk": "/etc/alternatives/awk" };

describe("collectSymlinks", () => {
  it("records each symlink a path goes through, relative and absolute targets alike", () => {
    const found = collectSymlinks(["/lib/x86_64-linux-gnu/libc.so.6", "/bin/python3", "/bin/awk"], links(MERGED_USR));
    expect(Object.fromEntries(found)).toEqual({
      "/lib": "usr/lib",
      "/bin": "usr/bin",
      "/usr/bin/python3": "python3.11",
      "/usr/bin/awk": "/etc/alternatives/awk",
      "/etc/alternatives/awk": "/usr/bin/mawk",
    });
  });

  it("resolves .. after a symlink from the link's target, as the kernel does", () => {
    const found = collectSymlinks(["/a/link/../x"], links({ "/a/link": "/b/c", "/b/x": "y" }));
    expect(Object.fromEntries(found)).toEqual({ "/a/link": "/b/c", "/b/x": "y" });
  });

  it("records nothing under /proc, whose links depend on who reads them", () => {
    const found = collectSymlinks(["/proc/self/fd/3", "/dev/stdin"], links({ "/proc/self": "1234", "/dev/stdin": "/proc/self/fd/0" }));
    expect(Object.fromEntries(found)).toEqual({ "/dev/stdin": "/proc/self/fd/0" });
  });

  it("stops at a symlink loop", () => {
    const found = collectSymlinks(["/loop/x"], links({ "/loop": "/loop" }));
    expect(Object.fromEntries(found)).toEqual({ "/loop": "/loop" });
  });

  it("law: the rendered file is sorted and the same for the paths in any order", () => {
    const paths = fc.array(fc.constantFrom("/lib/libc.so", "/bin/python3", "/bin/awk", "/usr/bin/awk", "/etc/passwd"));
    fc.assert(
      fc.property(paths, (some) => {
        const rendered = renderSymlinks(collectSymlinks(some, links(MERGED_USR)));
        expect(renderSymlinks(collectSymlinks([...some].reverse(), links(MERGED_USR)))).toBe(rendered);
        const keys = [...parseSymlinks(rendered, "symlinks.json").keys()];
        expect(keys).toEqual([...keys].sort());
      }),
    );
  });

  it("reads the file back and refuses what it cannot be", () => {
    const text = renderSymlinks(new Map([["/lib", "usr/lib"]]));
    expect(text).toBe('{\n  "/lib": "usr/lib"\n}\n');
    expect(parseSymlinks(text, "s.json")).toEqual(new Map([["/lib", "usr/lib"]]));
    expect(() => parseSymlinks("{", "s.json")).toThrow(/^s\.json: not JSON/);
    expect(() => parseSymlinks('{"lib": "usr/lib"}', "s.json")).toThrow(/^s\.json: lib: a symlink's path is absolute/);
  });
});
