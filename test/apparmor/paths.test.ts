import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globPattern, patternMatches } from "../../src/apparmor/index.js";
import { perRunGlob } from "../../src/apparmor/per-run.js";
import { recordedLinks, resolvePath, rootLinks } from "../../src/apparmor/resolve.js";
import { siblingGlobs } from "../../src/apparmor/sibling-globs.js";

describe("resolvePath", () => {
  const links = recordedLinks(
    new Map([
      ["/bin", "usr/bin"],
      ["/usr/bin/python3", "python3.11"],
      ["/etc/alternatives/awk", "/usr/bin/mawk"],
      ["/usr/bin/awk", "/etc/alternatives/awk"],
      ["/up", "../../../x"],
      ["/loop", "/loop"],
    ]),
  );

  it("follows every link on the way, relative and absolute, and the last one only when asked", () => {
    expect(resolvePath("/bin/python3", links, true)).toBe("/usr/bin/python3.11");
    expect(resolvePath("/bin/python3", links, false)).toBe("/usr/bin/python3");
    expect(resolvePath("/bin/awk", links, true)).toBe("/usr/bin/mawk");
    expect(resolvePath("/bin/", links, false)).toBe("/usr/bin/");
  });

  it("keeps `..` at the root, never resolves /proc, and gives up on a loop", () => {
    expect(resolvePath("/up/y", links, true)).toBe("/x/y");
    expect(resolvePath("/proc/self/exe", recordedLinks(new Map([["/proc/self", "123"]])), true)).toBe("/proc/self/exe");
    expect(resolvePath("/loop", links, true)).toBeUndefined();
  });

  it("reads links under --root without leaving it", () => {
    const root = mkdtempSync(join(tmpdir(), "profilesmith-resolve-"));
    mkdirSync(join(root, "usr/lib"), { recursive: true });
    symlinkSync("usr/lib", join(root, "lib"));
    symlinkSync("/../../etc/passwd", join(root, "usr/lib/abs"));
    symlinkSync("../../../../../etc/shadow", join(root, "usr/lib/rel"));
    const fs = rootLinks(root);
    expect(resolvePath("/lib/libc.so.6", fs, true)).toBe("/usr/lib/libc.so.6");
    expect(resolvePath("/lib/abs", fs, true)).toBe("/etc/passwd");
    expect(resolvePath("/lib/rel", fs, true)).toBe("/etc/shadow");
    expect(fs.isDirectory("/usr/lib")).toBe(true);
    expect(fs.isDirectory("/usr/lib/none")).toBeUndefined();
  });
});

describe("per-run globs", () => {
  const component = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((c) => c !== "." && c !== "..");
  const path = fc
    .tuple(
      fc.constantFrom("/tmp", "/var/tmp", "/proc/1234", "/proc/self", "/srv/app", "/dev/pts", "/srv/repo/.git/objects", "/srv/repo/.git"),
      fc.array(component, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([dir, parts, directory]) => `${dir}/${parts.join("/")}${directory ? "/" : ""}`);

  it("cover the path they were made from, /proc/self as the kernel names it (law)", () => {
    fc.assert(
      fc.property(path, fc.boolean(), (p, created) => {
        const glob = perRunGlob(p, () => created);
        if (glob) expect(patternMatches(globPattern(glob.source), p.replace(/^\/proc\/self\//, "/proc/4321/"))).toBe(true);
      }),
    );
  });

  it("cover git init's symlink probe whatever its random characters, only when the workload made it", () => {
    const glob = perRunGlob("/tmp/repo/.git/tbftdoi", () => true);
    expect(glob).toEqual({ source: "/tmp/repo/.git/t??????", owner: true });
    expect(patternMatches(globPattern(glob?.source ?? ""), "/tmp/repo/.git/tdsZfhd")).toBe(true);
    expect(perRunGlob("/tmp/repo/.git/tbftdoi", () => false)).toBeUndefined();
    for (const fixed of ["/srv/repo/.git/config", "/srv/repo/.git/tbftdoix", "/srv/repo/tbftdoi"]) expect(perRunGlob(fixed, () => true)).toBeUndefined();
  });

  it("never match a new name directly in /tmp that is not random-shaped", () => {
    fc.assert(
      fc.property(path, fc.boolean(), (p, created) => {
        const glob = perRunGlob(p, () => created);
        if (glob) for (const probe of ["/tmp/probe", "/tmp/newfile", "/tmp/profilesmith-probe"]) expect(patternMatches(globPattern(glob.source), probe)).toBe(false);
      }),
    );
  });
});

describe("sibling globs", () => {
  it("cover only paths under their directory, never below the minimum depth (law)", () => {
    const file = fc
      .tuple(fc.constantFrom("/usr/share/a", "/usr/share/a/b", "/usr/lib/x", "/opt/p/q", "/usr/bin"), fc.stringMatching(/^[a-z]{1,3}$/))
      .map(([dir, name]) => `${dir}/${name}`);
    fc.assert(
      fc.property(fc.array(file, { maxLength: 40 }), (paths) => {
        for (const glob of siblingGlobs(paths)) {
          expect(glob.directory.split("/").filter(Boolean).length).toBeGreaterThanOrEqual(3);
          expect(glob.covers.length).toBeGreaterThanOrEqual(8);
          for (const covered of glob.covers) expect(covered.startsWith(glob.directory)).toBe(true);
        }
      }),
    );
  });
});
