import { describe, expect, it } from "vitest";
import type { PathPattern, Rule } from "../../src/apparmor/index.js";
import {
  baseFileRules,
  coveredByBase,
  denyPerms,
  filePerms,
  globPattern,
  literalPath,
  matches,
  matchingFileRules,
  permsText,
  profile,
  fileRequest,
} from "../../src/apparmor/index.js";

const allow = (path: PathPattern, perms: string, owner = false): Rule => ({
  kind: "file",
  deny: false,
  owner,
  path,
  perms: filePerms(perms),
});

describe("file permissions", () => {
  it("reads AppArmor's spelling into one canonical form", () => {
    expect(permsText(filePerms("rw"))).toBe("rw");
    expect(permsText(filePerms("ixrm"))).toBe("mrix");
    expect(permsText(filePerms("rPx"))).toBe("rPx");
    expect(permsText(filePerms("rpix"))).toBe("rpix");
    expect(permsText(filePerms("kwlr"))).toBe("rwlk");
    expect(permsText(denyPerms("wx"))).toBe("wx");
  });

  it("rejects invalid combinations", () => {
    expect(() => filePerms("wa")).toThrow(/exclude each other/);
    expect(() => filePerms("ixPx")).toThrow(/more than one exec mode/);
    expect(() => filePerms("rr")).toThrow(/twice/);
    expect(() => filePerms("x")).toThrow(/unknown permission/);
    expect(() => filePerms("")).toThrow(/no permission/);
    expect(() => denyPerms("Px")).toThrow(/only plain x/);
  });

  it("reads requests, where x means any exec mode", () => {
    expect(fileRequest("rx")).toEqual({ letters: new Set(["r"]), exec: "x" });
    expect(fileRequest("mix")).toEqual({ letters: new Set(["m"]), exec: "ix" });
    expect(() => fileRequest("rq")).toThrow(RangeError);
  });
});

describe("literal and glob paths", () => {
  it("literalPath collapses repeated slashes and refuses relative paths and NUL", () => {
    expect(literalPath("/a//b///").bytes).toBe("/a/b/");
    expect(literalPath(Uint8Array.from([0x2f, 0xff])).bytes).toBe("/\xff");
    expect(literalPath("/é").bytes).toBe("/\xc3\xa9");
    expect(() => literalPath("a/b")).toThrow(RangeError);
    expect(() => literalPath("/a\0b")).toThrow(RangeError);
  });

  it("globPattern refuses what could not be rendered unquoted or is unbalanced", () => {
    for (const bad of ["/a b", "/a\"", "/a#", "/a,b", "/a{b", "/a}", "/a[b", "a/*", "/a\\*", "/é"]) {
      expect(() => globPattern(bad), bad).toThrow(RangeError);
    }
    expect(globPattern("/{usr/,}lib/**").source).toBe("/{usr/,}lib/**");
  });
});

describe("matches", () => {
  const p = profile("m", [], [
    allow(globPattern("/srv/**"), "rw"),
    { kind: "file", deny: true, owner: false, path: literalPath("/srv/secret"), perms: denyPerms("r") },
    allow(literalPath("/usr/bin/cat"), "ix"),
    allow(literalPath("/usr/bin/env"), "rPx"),
    allow(literalPath("/home/u/f"), "rw", true),
    allow(literalPath("/var/log/app.log"), "a"),
    allow(literalPath("/etc/"), "r"),
  ]);

  it("unions the permissions of every matching rule", () => {
    expect(matches(p, "/srv/a/b", "rw")).toBe(true);
    expect(matches(p, "/srv/a/b", "rwk")).toBe(false);
  });

  it("a deny rule wins over an allow rule, only for what it denies", () => {
    expect(matches(p, "/srv/secret", "r")).toBe(false);
    expect(matches(p, "/srv/secret", "w")).toBe(true);
  });

  it("x is satisfied by any exec mode, a named mode only by itself; ix implies m", () => {
    expect(matches(p, "/usr/bin/cat", "x")).toBe(true);
    expect(matches(p, "/usr/bin/cat", "ix")).toBe(true);
    expect(matches(p, "/usr/bin/cat", "Px")).toBe(false);
    expect(matches(p, "/usr/bin/cat", "m")).toBe(true);
    expect(matches(p, "/usr/bin/env", "rx")).toBe(true);
    expect(matches(p, "/usr/bin/env", "m")).toBe(false);
    expect(matches(p, "/usr/bin/id", "x")).toBe(false);
  });

  it("w includes append, a does not include write", () => {
    expect(matches(p, "/srv/x", "a")).toBe(true);
    expect(matches(p, "/var/log/app.log", "a")).toBe(true);
    expect(matches(p, "/var/log/app.log", "w")).toBe(false);
  });

  it("owner rules apply only to the task's own files", () => {
    expect(matches(p, "/home/u/f", "rw")).toBe(true);
    expect(matches(p, "/home/u/f", "rw", { owned: false })).toBe(false);
  });

  it("a directory is named with a trailing slash", () => {
    expect(matches(p, "/etc/", "r")).toBe(true);
    expect(matches(p, "/etc", "r")).toBe(false);
  });

  it("lists the rules that match, base rules included", () => {
    expect(matchingFileRules(p, "/srv/secret").map((r) => r.deny)).toEqual([false, true]);
    expect(matchingFileRules(p, "/dev/null").length).toBe(1);
  });
});

describe("coveredByBase (abstractions/base snapshot, apparmor 3.0.8-3)", () => {
  it("has the snapshot's file rules", () => {
    // 62 in abstractions/base, 6 in abstractions/crypto which it includes
    expect(baseFileRules().length).toBe(68);
  });

  it.each([
    ["/etc/ld.so.cache", "mr"],
    ["/usr/etc/ld.so.cache", "r"],
    ["/etc/ld.so.conf.d/", "r"],
    ["/etc/ld.so.conf.d/libc.conf", "r"],
    ["/usr/lib/x86_64-linux-gnu/libc.so.6", "mr"],
    ["/lib/x86_64-linux-gnu/libc.so.6", "mr"],
    ["/usr/lib/locale/C.utf8/LC_CTYPE", "mr"],
    ["/usr/share/zoneinfo/Europe/Paris", "r"],
    ["/etc/localtime", "r"],
    ["/dev/null", "rw"],
    ["/dev/urandom", "r"],
    ["/proc/1234/maps", "r"],
    ["/proc/meminfo", "r"],
    ["/sys/devices/system/cpu/online", "r"],
    ["/proc/sys/crypto/fips_enabled", "r"],
    ["/run/systemd/journal/socket", "w"],
    ["/var/run/systemd/journal/dev-log", "w"],
    ["/root/.Private/x", "rwlkmix"],
  ])("covers %s %s", (path, perms) => {
    expect(coveredByBase(path, perms)).toBe(true);
  });

  it.each([
    ["/etc/shadow", "r"],
    ["/etc/passwd", "r"],
    ["/etc/ld.so.cache", "w"],
    ["/usr/lib/x86_64-linux-gnu/libc.so.6", "w"],
    ["/usr/lib/x86_64-linux-gnu/libc.so.6", "x"],
    ["/usr/bin/python3.11", "r"],
    ["/dev/urandom", "w"],
    ["/proc/self/maps", "r"],
    ["/proc/1234/environ", "r"],
    ["/tmp/x", "w"],
    ["/usr/share/zoneinfo", "r"],
    ["/root/.Private/x", "rw"],
  ])("does not cover %s %s", (path, perms) => {
    const owned = path.startsWith("/root/.Private") ? { owned: false } : {};
    expect(coveredByBase(path, perms, owned)).toBe(false);
  });
});
