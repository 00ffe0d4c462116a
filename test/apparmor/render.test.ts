import { describe, expect, it } from "vitest";
import type { PathPattern, Rule } from "../../src/apparmor/index.js";
import {
  denyPerms,
  filePerms,
  globPattern,
  literalPath,
  profile,
  PROFILE_FLAGS,
  PTRACE_ACCESS,
  renderProfile,
  SIGNAL_ACCESS,
  SIGNALS,
  UNIX_ACCESS,
  UNIX_PEER_ACCESS,
  UNIX_TYPES,
} from "../../src/apparmor/index.js";
import { CAPABILITIES, EXEC_MODES, NETWORK_DOMAINS, NETWORK_PROTOCOLS, NETWORK_TYPES } from "../../src/policy/apparmor-vocabulary.js";
import { requireTools } from "../support/tools.js";
import { runApparmorParser } from "./parser.js";

const file = (path: PathPattern, perms: string, comment?: string): Rule => ({
  kind: "file",
  deny: false,
  owner: false,
  path,
  perms: filePerms(perms),
  ...(comment ? { comment } : {}),
});

const RULES: Rule[] = [
  file(literalPath("/usr/bin/python3.11"), "mrix"),
  file(literalPath("/etc/passwd"), "r"),
  file(globPattern("/tmp/tmp.*"), "rw", "covers /tmp/tmp.Ab3dE9xYz1, /tmp/tmp.Q8wE2rT5yU"),
  file(globPattern("@{PROC}/@{pid}/stat"), "r"),
  file(literalPath("/data/my file, \"quoted\" {x}.txt"), "rwk"),
  file(literalPath("/srv/*literal star?"), "r"),
  { kind: "file", deny: true, owner: false, path: literalPath("/etc/shadow"), perms: denyPerms("r") },
  { kind: "file", deny: false, owner: true, path: literalPath("/var/log/app.log"), perms: filePerms("a") },
  { kind: "capability", capability: "net_bind_service", comment: "bind() to port 80" },
  { kind: "capability", capability: "dac_override", comment: "runs as root: implied\nsecond line" },
  { kind: "network", domain: "inet", type: "stream" },
  { kind: "network", domain: "unix", type: "dgram" },
  { kind: "signal", access: ["receive"], set: [], peer: "unconfined" },
  { kind: "signal", access: ["send", "receive"], set: ["term", "kill"], peer: "@{profile_name}" },
  { kind: "ptrace", access: ["read"], peer: "@{profile_name}" },
  { kind: "unix", access: ["connect", "send", "receive"], type: "stream", peer: "@{profile_name}" },
  file(literalPath("/usr/bin/cat"), "ix"),
  file(literalPath("/etc/passwd"), "r"),
];

const HOSTILE_COMMENT = "a\n/etc/shadow r,\r\x01";

const GOLDEN = `abi <abi/3.0>,
include <tunables/global>

profile golden flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  # runs as root: implied
  # second line
  capability dac_override,
  # bind() to port 80
  capability net_bind_service,

  network inet stream,
  network unix dgram,

  ptrace (read) peer=@{profile_name},
  signal (receive) peer=unconfined,
  signal (send, receive) set=(kill, term) peer=@{profile_name},
  unix (connect, send, receive) type=stream peer=(label=@{profile_name}),

  "/data/my file\\, \\042quoted\\042 \\{x\\}.txt" rwk,
  "/srv/\\*literal star\\?" r,
  /etc/passwd r,
  # covers /tmp/tmp.Ab3dE9xYz1, /tmp/tmp.Q8wE2rT5yU
  /tmp/tmp.* rw,
  @{PROC}/@{pid}/stat r,
  deny /etc/shadow r,
  owner /var/log/app.log a,

  /usr/bin/cat ix,
  /usr/bin/python3.11 mrix,
}
`;

describe("renderProfile", () => {
  const golden = profile("golden", ["mediate_deleted", "attach_disconnected"], RULES);

  it("renders grouped, sorted, deduplicated rules (golden)", () => {
    expect(renderProfile(golden)).toBe(GOLDEN);
  });

  it("is independent of rule order", () => {
    expect(renderProfile(profile("golden", ["attach_disconnected", "mediate_deleted"], [...RULES].reverse()))).toBe(GOLDEN);
  });

  it("renders a profile without rules or flags", () => {
    expect(renderProfile(profile("empty", [], []))).toBe(
      "abi <abi/3.0>,\ninclude <tunables/global>\n\nprofile empty {\n  include <abstractions/base>\n}\n",
    );
  });

  it("cannot express a unix rule apparmor_parser refuses", () => {
    // @ts-expect-error: create is not a peer access, and apparmor_parser refuses it with peer=
    const refused: Rule = { kind: "unix", access: ["create"], peer: "unconfined" };
    expect(refused.kind).toBe("unix");
  });

  it("rejects names and peers that would need quoting", () => {
    expect(() => profile("bad name", [], [])).toThrow(RangeError);
    expect(() => profile("ok", [], [{ kind: "ptrace", access: ["read"], peer: "x y" }])).toThrow(RangeError);
  });

  it("keeps a hostile comment on comment lines", () => {
    const text = renderProfile(profile("c", [], [{ kind: "capability", capability: "chown", comment: HOSTILE_COMMENT }]));
    expect(text).toContain("  # a\n  # /etc/shadow r,\\x0d\\x01\n  capability chown,\n");
  });

  describe.skipIf(requireTools("rendered profiles pass apparmor_parser", "apparmor_parser").length)("apparmor_parser", () => {
    it("accepts the golden profile, an empty one and one with a hostile comment", () => {
      for (const p of [golden, profile("empty", [], []), profile("c", ["complain"], [{ kind: "capability", capability: "chown", comment: HOSTILE_COMMENT }])]) {
        const run = runApparmorParser(renderProfile(p));
        expect(run.status, run.stderr).toBe(0);
      }
    });

    it("accepts every capability, network family and type, signal, ptrace and unix access word, exec mode, deny form", () => {
      const rules: Rule[] = [
        ...CAPABILITIES.map((capability): Rule => ({ kind: "capability", capability })),
        { kind: "network" },
        ...NETWORK_DOMAINS.flatMap((domain): Rule[] => [{ kind: "network", domain }, { kind: "network", domain, type: "stream" }]),
        ...[...NETWORK_TYPES, ...NETWORK_PROTOCOLS].map((type): Rule => ({ kind: "network", domain: "inet", type })),
        ...NETWORK_TYPES.map((type): Rule => ({ kind: "network", type })),
        { kind: "signal", access: [...SIGNAL_ACCESS], set: [...SIGNALS], peer: "unconfined" },
        { kind: "signal", access: [], set: [] },
        { kind: "ptrace", access: [...PTRACE_ACCESS], peer: "other-profile" },
        ...UNIX_TYPES.map((type): Rule => ({ kind: "unix", access: [...UNIX_ACCESS], type })),
        ...UNIX_TYPES.map((type): Rule => ({ kind: "unix", access: [...UNIX_PEER_ACCESS], type, peer: "unconfined" })),
        { kind: "unix", access: [] },
        { kind: "unix", access: [], peer: "@{profile_name}" },
        ...EXEC_MODES.map((mode, i): Rule => ({ kind: "file", deny: false, owner: i % 2 === 0, path: literalPath(`/bin/e${i}`), perms: filePerms(`mr${mode}`) })),
        { kind: "file", deny: true, owner: true, path: globPattern("/x/**"), perms: denyPerms("mrwlkx") },
        { kind: "file", deny: true, owner: false, path: literalPath("/y"), perms: denyPerms("a") },
      ];
      const run = runApparmorParser(renderProfile(profile("vocabulary", [...PROFILE_FLAGS], rules)));
      expect(run.status, run.stderr).toBe(0);
    });
  });
});
