import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  baseFileRules,
  compileGlob,
  expandVariables,
  filterSlashes,
  globPattern,
  parseVariables,
  patternMatches,
  renderProfile,
  profile,
  filePerms,
  snapshotVariables,
  utf8Bytes,
} from "../../src/apparmor/index.js";
import { requireTools } from "../support/tools.js";
import { runApparmorParser } from "./parser.js";

const glob = (source: string, path: string): boolean => patternMatches(globPattern(source), path);

describe("AppArmor glob semantics (apparmor.d(5), parser_regex.c)", () => {
  it("* matches within one path component, not across /", () => {
    expect(glob("/tmp/tmp.*", "/tmp/tmp.AbC123")).toBe(true);
    expect(glob("/tmp/tmp.*", "/tmp/tmp.")).toBe(true);
    expect(glob("/tmp/tmp.*", "/tmp/tmp.a/b")).toBe(false);
    expect(glob("/i/a*b", "/i/ab")).toBe(true);
  });

  it("a * that is a whole component needs at least one byte: /tmp/* is not /tmp/", () => {
    expect(glob("/tmp/*", "/tmp/")).toBe(false);
    expect(glob("/tmp/*", "/tmp/x")).toBe(true);
    expect(glob("/a/*/b", "/a//b")).toBe(false);
    expect(glob("/a/*/b", "/a/x/b")).toBe(true);
  });

  it("** matches across /, and as a whole component not the empty name or one starting with /", () => {
    expect(glob("/usr/lib/python3.11/**", "/usr/lib/python3.11/a/b/c.py")).toBe(true);
    expect(glob("/usr/lib/python3.11/**", "/usr/lib/python3.11/")).toBe(false);
    expect(glob("/usr/lib/python3.11/**", "/usr/lib/python3.11")).toBe(false);
    expect(glob("/a/**.so*", "/a/b/c/libx.so.6")).toBe(true);
    expect(glob("/a/**.so*", "/a/.so")).toBe(true);
  });

  it("? is one byte other than /", () => {
    expect(glob("/a?c", "/abc")).toBe(true);
    expect(glob("/a?c", "/ac")).toBe(false);
    expect(glob("/a?c", "/a/c")).toBe(false);
    expect(glob("/a?c", "/abbc")).toBe(false);
  });

  it("[…] and [^…] are byte classes with ranges", () => {
    expect(glob("/x[0-9]", "/x7")).toBe(true);
    expect(glob("/x[0-9]", "/xa")).toBe(false);
    expect(glob("/x[^0-9]", "/xa")).toBe(true);
    expect(glob("/x[^0-9]", "/x7")).toBe(false);
    expect(glob("/x[ab-]", "/x-")).toBe(true);
  });

  it("{a,b} alternation nests and allows an empty alternative", () => {
    expect(glob("/k/{a,b{c,d}}", "/k/a")).toBe(true);
    expect(glob("/k/{a,b{c,d}}", "/k/bd")).toBe(true);
    expect(glob("/k/{a,b{c,d}}", "/k/b")).toBe(false);
    expect(glob("/{usr/,}lib/x", "/lib/x")).toBe(true);
    expect(glob("/{usr/,}lib/x", "/usr/lib/x")).toBe(true);
  });

  it("a trailing / means a directory", () => {
    expect(glob("/etc/", "/etc/")).toBe(true);
    expect(glob("/etc/", "/etc")).toBe(false);
    expect(glob("/etc", "/etc/")).toBe(false);
  });

  it("escaped glob characters and regex metacharacters are literal", () => {
    expect(compileGlob("/a\\*b").test("/a*b")).toBe(true);
    expect(compileGlob("/a\\*b").test("/axb")).toBe(false);
    expect(compileGlob("/a.b+(c)|$^").test("/a.b+(c)|$^")).toBe(true);
    expect(compileGlob("/a.b").test("/axb")).toBe(false);
  });

  it("filter_slashes collapses runs of / but keeps a leading //", () => {
    expect(filterSlashes("/a//b///c")).toBe("/a/b/c");
    expect(filterSlashes("//ns/a//b")).toBe("//ns/a/b");
  });

  it("variables expand from the tunables snapshot, several values as an alternation", () => {
    const vars = snapshotVariables();
    expect(vars.get("PROC")).toEqual(["/proc/"]);
    expect(glob("@{PROC}/@{pid}/maps", "/proc/1234/maps")).toBe(true);
    expect(glob("@{PROC}/@{pid}/maps", "/proc/self/maps")).toBe(false);
    expect(glob("@{PROC}/@{pid}/maps", "/proc/0/maps")).toBe(false);
    expect(glob("@{HOME}/.bashrc", "/root/.bashrc")).toBe(true);
    expect(glob("@{HOME}/.bashrc", "/home/ann/.bashrc")).toBe(true);
    expect(glob("@{run}/x", "/var/run/x")).toBe(true);
    expect(glob("/usr/lib/@{multiarch}/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")).toBe(true);
    expect(filterSlashes(expandVariables("@{etc_ro}/ld.so.cache", vars))).toBe("{/etc,/usr/etc}/ld.so.cache");
  });

  it("parses tunables: +=, quoted values, an escaped @ is not a variable", () => {
    const vars = parseVariables('@{A}=/a/ "/b c/"\n@{A}+=/d/ # comment\n');
    expect(vars.get("A")).toEqual(["/a/", "/b c/", "/d/"]);
    expect(expandVariables("\\@{A}", vars)).toBe("\\@{A}");
    expect(() => expandVariables("@{NOPE}/x", vars)).toThrow(/undefined variable/);
  });
});

const missing = requireTools("AppArmor glob differential test", "apparmor_parser");

/** Globs beyond abstractions/base whose regex we compare with apparmor_parser's. */
const GLOBS = [
  "/tmp/tmp.*",
  "/tmp/*",
  "/a/*/b",
  "/a/**/b",
  "/c/x**",
  "/d/***",
  "/i/a*b",
  "/j/[^a-c]x",
  "/j/[0-9a-f]y",
  "/k/{a,b{c,d}}",
  "/l/{,x}",
  "/m/?",
  "@{PROC}/@{pid}/{fd,task}/**",
  "@{HOME}/.cache/**",
  "@{run}/lock/*",
  "@{sys}/fs/cgroup/**",
  "/usr/lib/python3.11/**",
];

/** Paths to try every pattern on: each pattern's own literal spelling, variants, and a few hostile ones. */
function samplePaths(): string[] {
  const seeds = [
    "/", "/tmp/", "/tmp/x", "/tmp/tmp.", "/tmp/tmp.AbC", "/tmp/a/b", "/a//b", "/a/x/b", "/a/x/y/b", "/c/x", "/c/x/y",
    "/d/", "/d/e", "/d/e/f", "/i/ab", "/i/axxb", "/i/a/b", "/j/dx", "/j/ax", "/j//x", "/j/fy", "/j/gy", "/k/a", "/k/bc",
    "/k/b", "/l/", "/l/x", "/m/a", "/m/", "/m//", "/proc/1/fd/3", "/proc/12345/task/12/stat", "/proc/self/fd/1",
    "/proc/0/fd/1", "/root/.cache/x", "/home/u/.cache/y/z", "/home/.cache/x", "/run/lock/a", "/var/run/lock/a",
    "/sys/fs/cgroup/a", "/usr/lib/python3.11/os.py", "/usr/lib/python3.11/", "/etc/ld.so.cache", "/usr/etc/ld.so.cache",
    "/etc/shadow", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/locale/C.utf8/LC_CTYPE",
    "/usr/lib32/gconv/UTF-16.so", "/dev/null", "/dev/nullx", "/proc/1/maps", "/proc/self/maps", "/usr/share/zoneinfo/",
    "/usr/share/zoneinfo/UTC", "/usr/share/a/locale/b", "/usr/share/locale/", "/etc/ld.so.conf.d/", "/etc/ld.so.conf.d/x.conf",
    "/etc/ld.so.conf.d/x", "/home/.ecryptfs/u/.Private/", "/home/.ecryptfs/u/.Private/f", "/root/.Private/",
    "/opt/x86-linux-uclibc/lib/ld-uClibc.so.0", "/usr/lib/ld-2.36.so", "/lib64/ld-linux-x86-64.so.2", "/usr/lib/.libcrypto.so.3.hmac",
  ];
  return [...seeds, ...seeds.map((s) => s + "/"), ...seeds.map((s) => s.replace(/.$/, "*")), "/tmp/tmp.\n", "/tmp/\u00e9t\u00e9"];
}

describe.skipIf(missing.length)("glob matcher against apparmor_parser's compiled regexes", () => {
  it("expands every abstractions/base pattern and test glob to the parser's aare, and matches like its regex", () => {
    const rules = GLOBS.map((source) => ({ kind: "file" as const, deny: false as const, owner: false, path: globPattern(source), perms: filePerms("r") }));
    const run = runApparmorParser(renderProfile(profile("globs", [], rules)));
    expect(run.status, run.stderr).toBe(0);
    const vars = snapshotVariables();
    const patterns = [...baseFileRules().map((r) => r.path), ...rules.map((r) => r.path)];
    const paths = samplePaths().map(utf8Bytes);
    for (const pattern of patterns) {
      if (pattern.kind !== "glob") continue;
      const aare = filterSlashes(expandVariables(pattern.source, vars));
      const pcre = run.exprs.get(aare);
      expect(pcre, `parser has no aare ${aare}`).toBeDefined();
      const theirs = new RegExp(`^${pcre}$`);
      const ours = compileGlob(aare);
      for (const path of paths) expect(ours.test(path), `${pattern.source} on ${JSON.stringify(path)}`).toBe(theirs.test(path));
    }
  });

  it("compiles random globs to regexes that agree with the parser's on random paths", () => {
    const token = fc.constantFrom("/", "a", "b", ".", "*", "**", "?", "[ab]", "[^a]", "[a-c]", "{a,b}", "{,a/}", "{a*,b/c}", "@{pid}", "\\*");
    const globs = fc.array(fc.array(token, { maxLength: 6 }).map((t) => "/" + t.join("")), { minLength: 1, maxLength: 20 });
    const paths = fc.array(fc.array(fc.constantFrom("/", "a", "b", "c", ".", "1", "*", "//"), { maxLength: 7 }).map((t) => "/" + t.join("")), {
      minLength: 50,
      maxLength: 50,
    });
    fc.assert(
      fc.property(globs, paths, (sources, samples) => {
        const rules = sources.map((source) => ({ kind: "file" as const, deny: false as const, owner: false, path: { kind: "glob" as const, source }, perms: filePerms("r") }));
        const run = runApparmorParser(renderProfile(profile("random", [], rules)));
        expect(run.status, run.stderr).toBe(0);
        for (const source of sources) {
          const aare = filterSlashes(expandVariables(source, snapshotVariables()));
          const pcre = run.exprs.get(aare);
          expect(pcre, `parser has no aare ${aare}`).toBeDefined();
          const theirs = new RegExp(`^${pcre}$`);
          const ours = compileGlob(aare);
          for (const path of samples) expect(ours.test(path), `${source} on ${path}`).toBe(theirs.test(path));
        }
      }),
      { numRuns: 15 },
    );
  });
});
