/**
 * verify --apparmor against the AppArmor kernel (the VM harness of test/vm):
 * what verify passes, the kernel allows; what the kernel denies, verify reports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAppArmor, type Profile } from "../../src/apparmor/index.js";
import { parseStraceText } from "../../src/parse/index.js";
import { verifyAppArmor, type DeniedAccess } from "../../src/verify/index.js";
import { requireAppArmorVm } from "../vm/support/gate.js";
import { startAppArmorVm, type AppArmorVm } from "../vm/support/vm.js";

const WORKLOADS = {
  pipeline: "/bin/sh -c 'ls /etc | sort | head -5'",
  sqlite: "/bin/sh -c 'mkdir -p /var/tmp/db && sqlite3 /var/tmp/db/a.db \"create table t(x); select count(*) from t;\"; rm -rf /var/tmp/db'",
} as const;

/** The pipeline, then reads it never did: /etc/shadow, and /etc/hostname through a program it never ran. */
const WIDER = "/bin/sh -c 'ls /etc | sort | head -5; read -r line < /etc/shadow; cat /etc/hostname; true'";

/** A kernel denial as verify words it: the path and the letters (create and delete are AppArmor's w). */
function kernelDenial(d: Readonly<Record<string, string>>): string {
  const letters = [...new Set([...(d.denied_mask ?? "")].map((c) => (c === "c" || c === "d" ? "w" : c)))].sort().join("");
  return `${d.name} ${letters}`;
}

/** A file finding as `PATH LETTER` lines. */
function verifyDenial({ need }: DeniedAccess): string[] {
  return need.kind === "file" ? [...need.perms].map((letter) => `${need.path} ${letter}`) : [];
}

describe.skipIf(requireAppArmorVm("verify --apparmor against the AppArmor kernel", "strace").length)("verify --apparmor agrees with the kernel", () => {
  let vm: AppArmorVm;
  const profiles = new Map<string, Profile>();

  const trace = async (name: string, command: string) => {
    const file = `/tmp/${name}.trace`;
    const run = await vm.run(`strace -f -yy -s 256 -o ${file} ${command} > /dev/null; echo $?`);
    expect(run.stdout.trim(), run.stderr).toBe("0");
    return parseStraceText((await vm.run(`cat ${file}`)).stdout, { file });
  };

  beforeAll(async () => {
    vm = await startAppArmorVm();
    for (const [name, command] of Object.entries(WORKLOADS)) {
      const generated = await generateAppArmor({ name, traces: [await trace(name, command)], root: "/" });
      profiles.set(name, generated.profile);
      await vm.loadProfile(generated.text);
    }
    await vm.takeDenials();
  }, 600_000);

  afterAll(async () => {
    await vm?.stop();
  });

  it.each(Object.keys(WORKLOADS))("%s: a fresh trace verifies against its profile, and the kernel runs it without a denial", async (name) => {
    const command = WORKLOADS[name as keyof typeof WORKLOADS];
    const result = await verifyAppArmor(profiles.get(name) as Profile, await trace(`${name}-again`, command), { root: "/" });
    expect(result.denied).toEqual([]);
    const confined = await vm.run(`aa-exec -p ${name} -- ${command}`);
    expect({ exitCode: confined.exitCode, denials: await vm.takeDenials() }).toEqual({ exitCode: 0, denials: [] });
  });

  it("every access the kernel denies, verify reports", async () => {
    const result = await verifyAppArmor(profiles.get("pipeline") as Profile, await trace("wider", WIDER), { root: "/" });
    const reported = result.denied.flatMap(verifyDenial);
    expect(reported).toContain("/etc/shadow r");
    await vm.run(`aa-exec -p pipeline -- ${WIDER}`);
    const denied = (await vm.takeDenials()).filter((d) => d.operation !== "capable").map(kernelDenial);
    expect(denied.length).toBeGreaterThan(0);
    for (const denial of denied) for (const letter of denial.split(" ")[1] ?? "") expect(reported).toContain(`${denial.split(" ")[0]} ${letter}`);
  });
});
