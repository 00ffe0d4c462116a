/**
 * Profiles generated from traces, enforced by a real AppArmor kernel: each
 * workload is traced with strace in the VM, its profile generated on the host
 * from that trace (with `--root /`: the VM's root is the host's), loaded, and
 * the workload run again confined. It must print what it printed traced, and
 * the probes (read /etc/shadow, create a new file directly in /tmp, run
 * /usr/bin/id) must be denied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAppArmor, type GeneratedAppArmor } from "../../src/apparmor/index.js";
import { parseStraceText } from "../../src/parse/index.js";
import { runApparmorParser } from "../apparmor/parser.js";
import { requireAppArmorVm } from "./support/gate.js";
import { startAppArmorVm, type AppArmorVm, type RunResult } from "./support/vm.js";

/** How a workload's own interpreter performs a probe, so the probe tests the access and not an exec of `cat`. */
type Prober = (probe: keyof typeof PROBES) => string;

const PROBES = {
  readShadow: { sh: "read -r line < /etc/shadow", py: 'open("/etc/shadow").read()' },
  createInTmp: { sh: ": > /tmp/profilesmith-probe", py: 'open("/tmp/profilesmith-probe", "w")' },
  execId: { sh: "/usr/bin/id", py: 'import os; os.execv("/usr/bin/id", ["id"])' },
} as const;

const shellProbe: Prober = (probe) => `/bin/sh -c '${PROBES[probe].sh}'`;
const pythonProbe: Prober = (probe) => `python3 -c '${PROBES[probe].py}'`;

interface Workload {
  readonly name: string;
  /** Files the workload needs, put in the shared directory: name → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** Shell words of the command, with FILES/ standing for the shared files' directory. */
  readonly command: string;
  readonly probe: Prober;
  /** How strace is run (default `-f -yy -s 256`: the kernel's paths in decorations). */
  readonly strace?: string;
  /** Implicit root capabilities the workload asks for (the VM's finding): denied without them, same output. */
  readonly triesImplicitCapabilities?: readonly string[];
}

const PYTHON_APP = `import json, os, shutil, sys, tempfile
config = json.load(open(sys.argv[1]))
work = tempfile.mkdtemp()
with open(os.path.join(work, "out.txt"), "w") as out:
    out.write(config["greeting"].upper())
print(open(os.path.join(work, "out.txt")).read(), len(os.listdir(work)))
shutil.rmtree(work)
`;

const RUNNER = `#!/bin/sh
uname -s
wc -c < /etc/os-release
md5sum /etc/debian_version | cut -c1-8
`;

const WORKLOADS: readonly Workload[] = [
  { name: "ps-pipeline", command: "/bin/sh -c 'ls /etc | sort | head -5'", probe: shellProbe },
  {
    name: "ps-python",
    files: { "app.py": PYTHON_APP, "app.json": '{"greeting": "hello from the config"}\n' },
    command: "python3 FILES/app.py FILES/app.json",
    probe: pythonProbe,
  },
  { name: "ps-runner", files: { "runner.sh": RUNNER }, command: "FILES/runner.sh", probe: shellProbe },
  { name: "ps-helper", files: { "helper.sh": "#!/bin/bash\necho ${BASH_VERSION%%.*}\n" }, command: "/bin/sh -c FILES/helper.sh", probe: shellProbe },
  {
    name: "ps-git",
    command: "/bin/sh -c 'rm -rf /tmp/repo && git init -q /tmp/repo && cd /tmp/repo && echo hi > f && git add f && git -c user.name=a -c user.email=a@b commit -qm first && git log --format=%s; rm -rf /tmp/repo'",
    probe: shellProbe,
    strace: "-f",
    triesImplicitCapabilities: ["dac_override"],
  },
  {
    name: "ps-sqlite",
    command: "/bin/sh -c 'mkdir -p /var/tmp/db && sqlite3 /var/tmp/db/a.db \"create table t(x); insert into t values(1); select count(*) from t;\"; rm -rf /var/tmp/db'",
    probe: shellProbe,
  },
  {
    name: "ps-metadata",
    command: "/bin/sh -c 'ls -lan /etc/shadow /etc/passwd; readlink /etc/mtab; stat -c %s:%a /etc/shadow; test -r /etc/shadow && echo readable'",
    probe: shellProbe,
  },
];

interface Traced {
  readonly workload: Workload;
  readonly command: string;
  readonly output: RunResult;
  readonly generated: GeneratedAppArmor;
}

describe.skipIf(requireAppArmorVm("generated AppArmor profiles in a real kernel", "strace", "runc").length)(
  "profiles generated from traces, enforced in an AppArmor kernel",
  () => {
    let vm: AppArmorVm;
    const traced = new Map<string, Traced>();

    beforeAll(async () => {
      vm = await startAppArmorVm();
      for (const workload of WORKLOADS) {
        let dir = "";
        for (const [file, content] of Object.entries(workload.files ?? {})) {
          const path = vm.putFile(`${workload.name}/${file}`, content);
          dir = path.slice(0, path.lastIndexOf("/"));
        }
        const command = workload.command.replaceAll("FILES", dir);
        const trace = `/tmp/${workload.name}.trace`;
        const run = await vm.run(`chmod +x ${dir || "/nonexistent"}/* 2>/dev/null; strace ${workload.strace ?? "-f -yy -s 256"} -o ${trace} ${command} > /tmp/${workload.name}.out; echo $?`);
        expect(run.stdout.trim(), `${workload.name} traced: ${run.stderr}`).toBe("0");
        const [output, text] = await Promise.all([vm.run(`cat /tmp/${workload.name}.out`), vm.run(`cat ${trace}`)]);
        const events = parseStraceText(text.stdout, { file: trace });
        const generated = await generateAppArmor({ name: workload.name, traces: [events], root: "/" });
        traced.set(workload.name, { workload, command, output, generated });
        await vm.loadProfile(generated.text);
      }
      await vm.takeDenials();
    }, 600_000);

    afterAll(async () => {
      await vm?.stop();
    });

    const each = (name: string): Traced => {
      const t = traced.get(name);
      if (!t) throw new Error(`${name} was not traced`);
      return t;
    };

    it.each(WORKLOADS.map((w) => w.name))("%s: the generated profile passes apparmor_parser offline", (name) => {
      const run = runApparmorParser(each(name).generated.text);
      expect(run.status, run.stderr).toBe(0);
    });

    it.each(WORKLOADS.map((w) => w.name))("%s: runs confined with the output it had traced", async (name) => {
      const { command, output, generated } = each(name);
      const confined = await vm.run(`aa-exec -p ${name} -- ${command}`);
      const denials = await vm.takeDenials();
      expect({ ...confined, denials }, generated.text).toEqual({ stdout: output.stdout, stderr: "", exitCode: 0, denials: [] });
    });

    it.each(WORKLOADS.map((w) => w.name))("%s: reading /etc/shadow, a new file in /tmp and /usr/bin/id are denied", async (name) => {
      const { workload } = each(name);
      const results: Record<string, { exitCode: number; denied: string[] }> = {};
      for (const probe of Object.keys(PROBES) as (keyof typeof PROBES)[]) {
        const run = await vm.run(`aa-exec -p ${name} -- ${workload.probe(probe)}`);
        const denials = await vm.takeDenials();
        results[probe] = { exitCode: run.exitCode === 0 ? 0 : 1, denied: denials.map((d) => `${d.name} ${d.denied_mask}`) };
      }
      expect(results).toEqual({
        readShadow: { exitCode: 1, denied: ["/etc/shadow r"] },
        createInTmp: { exitCode: 1, denied: [expect.stringMatching(/^\/tmp\/profilesmith-probe [wc]+$/)] },
        execId: { exitCode: 1, denied: ["/usr/bin/id x"] },
      });
    });

    it("metadata calls need no rule: stat, access, readlink of /etc/shadow run under a profile that cannot read it", () => {
      const { generated } = each("ps-metadata");
      expect(generated.text).not.toContain("/etc/shadow");
      expect(generated.text).not.toContain("/etc/mtab");
    });

    it("applies the pipeline's profile the way Docker does: runc with process.apparmorProfile", async () => {
      const { output } = each("ps-pipeline");
      const confined = await vm.runContainer({ args: ["/bin/sh", "-c", "ls /etc | sort | head -5"], apparmorProfile: "ps-pipeline" });
      expect(confined).toEqual({ stdout: output.stdout, stderr: "", exitCode: 0 });
      const probe = await vm.runContainer({ args: ["/bin/sh", "-c", PROBES.readShadow.sh], apparmorProfile: "ps-pipeline" });
      expect(probe.exitCode).not.toBe(0);
      expect(await vm.takeDenials()).toContainEqual(expect.objectContaining({ name: "/etc/shadow", denied_mask: "r" }));
    });

    it.each(WORKLOADS.map((w) => w.name))("%s: without the implicit root capabilities, only the ones it tries are denied", async (name) => {
      const { workload, command, output } = each(name);
      const events = parseStraceText((await vm.run(`cat /tmp/${name}.trace`)).stdout, { file: name });
      const lean = await generateAppArmor({ name: `${name}-lean`, traces: [events], root: "/", implicitCapabilities: false });
      await vm.loadProfile(lean.text);
      const confined = await vm.run(`aa-exec -p ${name}-lean -- ${command}`);
      const denied = (await vm.takeDenials()).map((d) => `${d.operation} ${d.capname ?? d.name}`);
      expect({ ...confined, denied: [...new Set(denied)] }, `${workload.name}\n${lean.text}`).toEqual({
        stdout: output.stdout,
        stderr: "",
        exitCode: 0,
        denied: (workload.triesImplicitCapabilities ?? []).map((capability) => `capable ${capability}`),
      });
    });
  },
);
