import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAppArmor, readAppArmorProfile } from "../../src/apparmor/index.js";
import { parseStraceText } from "../../src/parse/index.js";
import { verifyAppArmor } from "../../src/verify/index.js";
import { runIn } from "../support/cli.js";

const DIRS = ["/srv/app", "/var/lib/app", "/etc/app", "/opt/tool/lib", "/tmp", "/home/u"];
const NAMES = ["conf", "data.db", "a b", "x*y", "log.txt", "tmp.AbC3eFgH1j", "{q}"];
const OPENS = ["O_RDONLY", "O_WRONLY|O_CREAT|O_TRUNC", "O_RDWR", "O_WRONLY|O_APPEND", "O_RDONLY|O_DIRECTORY", "O_RDWR|O_CREAT|O_EXCL"];

/** One traced call that succeeded, as strace -f -yy writes it. */
const call = fc.oneof(
  fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES), fc.constantFrom(...OPENS)).map(
    ([dir, name, flags]) => `openat(AT_FDCWD, "${dir}/${name}", ${flags}) = 3<${dir}/${name}>`,
  ),
  fc.constantFrom(...DIRS).map((dir) => `execve("${dir}/prog", ["prog"], 0x7ffd /* 1 var */) = 0`),
  fc.constantFrom("AF_INET, SOCK_STREAM, IPPROTO_TCP", "AF_INET6, SOCK_DGRAM, IPPROTO_UDP", "AF_UNIX, SOCK_STREAM, 0", "AF_NETLINK, SOCK_RAW, NETLINK_ROUTE").map(
    (args) => `socket(${args}) = 4`,
  ),
  fc.constantFrom("chroot(\"/srv\") = 0", "setuid(1000) = 0", "geteuid() = 0"),
  fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES)).map(([dir, name]) => `unlink("${dir}/${name}") = 0`),
  fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES)).map(([dir, name]) => `mkdir("${dir}/${name}", 0755) = 0`),
);

const trace = fc
  .array(fc.tuple(fc.constantFrom(100, 101), call), { minLength: 1, maxLength: 12 })
  .map((calls) => calls.map(([pid, text]) => `${pid} ${text}\n`).join(""));

describe("verify --apparmor laws", () => {
  it("a profile generated from a trace verifies that trace, also after rendering and reading it back", async () => {
    await fc.assert(
      fc.asyncProperty(trace, async (text) => {
        const events = () => parseStraceText(text, { file: "t.strace" });
        const generated = await generateAppArmor({ name: "t", traces: [events()] });
        expect((await verifyAppArmor(generated.profile, events())).denied).toEqual([]);
        expect((await verifyAppArmor(readAppArmorProfile(generated.text, "t.apparmor"), events())).denied).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("against the profile of a first trace, a second trace that adds no rule verifies, and every finding points into the second trace", async () => {
    await fc.assert(
      fc.asyncProperty(trace, trace, async (first, second) => {
        const parse = (text: string, file: string) => parseStraceText(text, { file });
        const one = await generateAppArmor({ name: "t", traces: [parse(first, "a")] });
        const both = await generateAppArmor({ name: "t", traces: [parse(first, "a"), parse(second, "b")] });
        const result = await verifyAppArmor(one.profile, parse(second, "b"));
        if (one.text === both.text) expect(result.denied).toEqual([]);
        for (const denied of result.denied) expect(denied.first?.pos.file).toBe("b");
      }),
      { numRuns: 100 },
    );
  });

  it("--root resolves symlinks as the kernel does: /bin/app runs as /usr/bin/app", async () => {
    const dir = mkdtempSync(join(tmpdir(), "profilesmith-verify-root-"));
    mkdirSync(join(dir, "root", "usr", "bin"), { recursive: true });
    writeFileSync(join(dir, "root", "usr", "bin", "app"), "");
    symlinkSync("usr/bin", join(dir, "root", "bin"));
    writeFileSync(join(dir, "t.strace"), '7 execve("/bin/app", ["app"], 0x7ffd /* 1 var */) = 0\n');
    writeFileSync(join(dir, "p.apparmor"), "profile app {\n  /usr/bin/app ix,\n}\n");
    const withRoot = await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace"), "--root", "root"]);
    expect(withRoot.code).toBe(0);
    const without = await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace")]);
    expect(without.code).toBe(1);
    expect(without.out).toContain(": pid 7: file /bin/app x: missing: /bin/app ix,\n");
    expect(without.err).toContain("not resolved through symlinks");
    expect((await runIn(dir, ["verify", "--apparmor", "p.apparmor", join(dir, "t.strace"), "--root", "nowhere"])).code).toBe(2);
  });
});
