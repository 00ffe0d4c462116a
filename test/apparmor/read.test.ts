import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FilePerms, PathPattern, Profile, Rule } from "../../src/apparmor/index.js";
import {
  globPattern,
  literalPath,
  profile,
  PROFILE_FLAGS,
  PTRACE_ACCESS,
  readAppArmorDocument,
  readAppArmorProfile,
  renderProfile,
  SIGNAL_ACCESS,
  SIGNALS,
  UNIX_ACCESS,
  UNIX_PEER_ACCESS,
  UNIX_TYPES,
} from "../../src/apparmor/index.js";
import { InputError } from "../../src/errors.js";
import { CAPABILITIES, EXEC_MODES, NETWORK_DOMAINS, NETWORK_TYPES } from "../../src/policy/apparmor-vocabulary.js";

const SYNTAX = [..." \t\n\"',}{[]*?^@#!\\$.+|()/=:<>-"].map((c) => c.charCodeAt(0));
const literal = fc
  .array(fc.oneof(fc.constantFrom(...SYNTAX), fc.integer({ min: 1, max: 255 })), { maxLength: 16 })
  .map((bytes) => literalPath(Uint8Array.from([0x2f, ...bytes])));
const glob = fc
  .constantFrom("/tmp/tmp.*", "@{PROC}/@{pid}/maps", "/usr/lib/python3.11/**", "/a/{b,c}/[0-9]*", "/srv/?x/", "/var/**/")
  .map(globPattern);
const path: fc.Arbitrary<PathPattern> = fc.oneof(literal, glob);

const perms = <X extends string>(exec: fc.Arbitrary<X | undefined>): fc.Arbitrary<FilePerms<X>> =>
  fc
    .record({ read: fc.boolean(), write: fc.constantFrom(undefined, "w" as const, "a" as const), link: fc.boolean(), lock: fc.boolean(), mmap: fc.boolean(), exec })
    .filter((p) => p.read || p.write !== undefined || p.link || p.lock || p.mmap || p.exec !== undefined)
    .map(({ write, exec: x, ...rest }) => ({ ...rest, ...(write ? { write } : {}), ...(x ? { exec: x } : {}) }));

const peer = fc.constantFrom("unconfined", "@{profile_name}", "other-app.1");
const comment = fc
  .array(fc.stringMatching(/^[a-z0-9 ,"#{}*]{0,12}$/).map((s) => s.trimEnd()), { minLength: 1, maxLength: 3 })
  .map((lines) => lines.join("\n"))
  .filter((c) => c !== "");

const isPeerAccess = (a: string): a is (typeof UNIX_PEER_ACCESS)[number] => (UNIX_PEER_ACCESS as readonly string[]).includes(a);

const bareRule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ kind: fc.constant("file" as const), deny: fc.constant(false as const), owner: fc.boolean(), path, perms: perms(fc.constantFrom(undefined, ...EXEC_MODES)) }),
  fc.record({ kind: fc.constant("file" as const), deny: fc.constant(true as const), owner: fc.boolean(), path, perms: perms(fc.constantFrom(undefined, "x" as const)) }),
  fc.record({ kind: fc.constant("capability" as const), capability: fc.constantFrom(...CAPABILITIES) }),
  fc
    .record({ kind: fc.constant("network" as const), domain: fc.constantFrom(...NETWORK_DOMAINS), type: fc.constantFrom(...NETWORK_TYPES) }, { requiredKeys: ["kind"] })
    // `network packet,` names the family in apparmor_parser (it looks families up first), never the type.
    .filter((r) => r.domain !== undefined || r.type !== "packet"),
  fc.record(
    { kind: fc.constant("signal" as const), access: fc.subarray([...SIGNAL_ACCESS]), set: fc.subarray([...SIGNALS]), peer },
    { requiredKeys: ["kind", "access", "set"] },
  ),
  fc.record({ kind: fc.constant("ptrace" as const), access: fc.subarray([...PTRACE_ACCESS]), peer }, { requiredKeys: ["kind", "access"] }),
  fc.record({ kind: fc.constant("unix" as const), access: fc.subarray([...UNIX_ACCESS]), type: fc.constantFrom(...UNIX_TYPES) }, { requiredKeys: ["kind", "access"] }),
  fc.record(
    { kind: fc.constant("unix" as const), access: fc.subarray(UNIX_ACCESS.filter(isPeerAccess)), type: fc.constantFrom(...UNIX_TYPES), peer },
    { requiredKeys: ["kind", "access", "peer"] },
  ),
);
const rule = fc.tuple(bareRule, fc.option(comment, { nil: undefined })).map(([r, c]) => (c === undefined ? r : { ...r, comment: c }));

const anyProfile: fc.Arbitrary<Profile> = fc
  .record({ flags: fc.subarray([...PROFILE_FLAGS]), rules: fc.array(rule, { maxLength: 12 }) })
  .map(({ flags, rules }) => profile("app", flags, rules));

/** Rules as a sorted list of distinct keys: rendering sorts and drops duplicates. */
const ruleSet = (rules: readonly Rule[]): string[] => [...new Set(rules.map((r) => JSON.stringify(r, Object.keys(r).sort())))].sort();
const keyed = (rules: readonly Rule[]): string[] => ruleSet(rules.map((r) => JSON.parse(JSON.stringify(r)) as Rule));

describe("readAppArmorProfile", () => {
  it("law: reading a rendered profile gives the profile back (name, flags, rules with their comments)", () => {
    fc.assert(
      fc.property(anyProfile, (p) => {
        const read = readAppArmorProfile(renderProfile(p), "p");
        expect(read.name).toBe(p.name);
        expect(read.flags).toEqual(p.flags);
        expect(keyed(read.rules)).toEqual(keyed(p.rules));
      }),
      { numRuns: 500 },
    );
  });

  it("law: read then render is a fixed point", () => {
    fc.assert(
      fc.property(anyProfile, (p) => {
        const text = renderProfile(p);
        expect(renderProfile(readAppArmorProfile(text, "p"))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("reads hand-written spellings: old #include, several capabilities, rules over lines, trailing comments", () => {
    const text = [
      "#include <tunables/global>",
      "profile web flags=(attach_disconnected, mediate_deleted) {",
      "  #include <abstractions/base>",
      "  capability chown setuid,  # two at once",
      "  network inet",
      "    stream,",
      '  owner "/srv/my dir/f" rw,',
      "  signal receive peer=unconfined,",
      "  /usr/bin/node ix,",
      "}",
    ].join("\n");
    const p = readAppArmorProfile(text, "web.aa");
    expect(p.flags).toEqual(["attach_disconnected", "mediate_deleted"]);
    expect(p.rules).toEqual([
      { kind: "capability", capability: "chown" },
      { kind: "capability", capability: "setuid" },
      { kind: "network", domain: "inet", type: "stream" },
      expect.objectContaining({ kind: "file", owner: true, path: { kind: "literal", bytes: "/srv/my dir/f" } }),
      { kind: "signal", access: ["receive"], set: [], peer: "unconfined" },
      expect.objectContaining({ kind: "file", path: { kind: "literal", bytes: "/usr/bin/node" }, perms: expect.objectContaining({ exec: "ix" }) }),
    ]);
  });

  it("a quoted path with escaped glob characters is a literal; unescaped, a glob", () => {
    const p = readAppArmorProfile('profile a {\n  "/tmp/a\\*b" r,\n  "/tmp/a*b" r,\n}\n', "a");
    expect(p.rules.map((r) => r.kind === "file" && r.path)).toEqual([
      { kind: "literal", bytes: "/tmp/a*b" },
      { kind: "glob", source: "/tmp/a*b" },
    ]);
  });

  it.each([
    ["include <abstractions/nameservice>", 3, "include <abstractions/nameservice> is not supported"],
    ["capability frobnicate,", 3, 'unknown capability "frobnicate"'],
    ["capability,", 3, "bare `capability` rule"],
    ["/etc/passwd rz,", 3, 'unknown permission "z"'],
    ["/bin/sh Px -> other,", 3, "exec transitions are not supported"],
    ["/etc/passwd r", 3, "does not end with a comma"],
    ["dbus send,", 3, 'unknown rule "dbus"'],
    ["mount fstype=proc,", 3, "mount rules are not supported"],
    ["audit /etc/passwd r,", 3, "audit rules are not supported"],
    ["signal (send) peer=(label=x),", 3, "peer"],
    ['"/tmp/a b*" r,', 3, "glob"],
    ["hat {", 3, "nested profiles"],
  ])("%s → one-line error at file:line", (line, at, message) => {
    const text = `abi <abi/3.0>,\nprofile app {\n${line}\n}\n`;
    let error: unknown;
    try {
      readAppArmorProfile(text, "app.aa");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`app.aa:${at}: `);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("refuses files without exactly one closed profile", () => {
    expect(() => readAppArmorProfile("abi <abi/3.0>,\n", "x")).toThrow(/x:\d+: no profile/);
    expect(() => readAppArmorProfile("profile a {\n", "x")).toThrow(/no closing }/);
    expect(() => readAppArmorProfile("profile a {\n}\nprofile b {\n}\n", "x")).toThrow(/x:3: .*one profile per file/);
    expect(() => readAppArmorProfile("profile a flags=(enforce) {\n}\n", "x")).toThrow(/x:1: profile flag "enforce"/);
  });

  it("readAppArmorDocument lists mount, pivot_root and change_profile rules with their lines", () => {
    const doc = readAppArmorDocument("profile a {\n  mount fstype=proc -> /proc/,\n  /etc/hosts r,\n  pivot_root,\n}\n", "a");
    expect(doc.unmodelled).toEqual([
      { keyword: "mount", text: "mount fstype=proc -> /proc/", line: 2 },
      { keyword: "pivot_root", text: "pivot_root", line: 4 },
    ]);
    expect(doc.ruleLines).toEqual([3]);
    expect(doc.profileLine).toBe(1);
  });
});
