/**
 * Docker's seccomp profile format: what `docker run --security-opt
 * seccomp=FILE`, podman and the kubelet (Localhost profiles) load. One rule
 * list per native ABI and its compat ABIs (`archMap`); rules for only some
 * native ABIs carry `includes.arches`. moby's rules hold: never both `name`
 * and `names`, never both `architectures` and `archMap`, `errnoRet` only
 * with SCMP_ACT_ERRNO and SCMP_ACT_TRACE.
 */
import { z } from "zod";
import { InputError } from "../errors.js";
import { ARCH_INFO, COMPAT_ARCHES, type Arch, type NativeArch } from "../syscalls/arch.js";
import { canonicalProfile, ruleShapeKey, withNativeArches, type SeccompProfile, type SeccompRule } from "./profile.js";
import {
  archesFromScmp,
  conditionSetsFromScmp,
  ErrnoSchema,
  hostArch,
  parseWith,
  type ReadProfile,
  ScmpActionSchema,
  scmpAction,
  ScmpArgSchema,
  scmpArches,
  scmpSyscall,
  unknownNameWarnings,
  verdictFromScmp,
} from "./scmp.js";
import { expandRuleGroups, sharedRuleGroups } from "./shared-rules.js";

/** moby's names for the hosts a rule's `includes.arches` selects (Go's GOARCH). */
const DOCKER_ARCH_NAMES: Readonly<Record<NativeArch, string>> = { x86_64: "amd64", aarch64: "arm64" };

function nativeArches(profile: SeccompProfile): NativeArch[] {
  return [...new Set(profile.arches.map((arch) => ARCH_INFO[arch].native))];
}

function family(profile: SeccompProfile, native: NativeArch): Arch[] {
  return profile.arches.filter((arch) => ARCH_INFO[arch].native === native);
}

/** Groups `items` by `key`, in first-seen order. */
function groupBy<T>(items: Iterable<T>, key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
}

/**
 * Each family's rule list, merged into one: a rule for a name every family
 * has the same way carries no `includes`, any other `includes.arches` with
 * the families it is for.
 */
function dockerSyscalls(profile: SeccompProfile): object[] {
  const natives = nativeArches(profile);
  const perFamily = natives.flatMap((native) =>
    sharedRuleGroups(profile, family(profile, native), "Docker").flatMap((group) =>
      group.names.map((name) => ({ native, name, group })),
    ),
  );
  const byRule = groupBy(perFamily, ({ name, group }) => `${ruleShapeKey(group)} ${name}`).map((entries) => ({
    ...(entries[0] as (typeof entries)[number]),
    natives: entries.map((entry) => entry.native),
  }));
  return groupBy(byRule, ({ group, natives: where }) => `${ruleShapeKey(group)} ${where.join(",")}`)
    .sort((a, b) => (b[0]?.natives.length ?? 0) - (a[0]?.natives.length ?? 0))
    .map((rules) => {
      const { group, natives: where } = rules[0] as (typeof rules)[number];
      const rule = scmpSyscall({ ...group, names: rules.map((r) => r.name).sort() });
      return where.length === natives.length ? rule : { ...rule, includes: { arches: where.map((n) => DOCKER_ARCH_NAMES[n]) } };
    });
}

export function emitDocker(profile: SeccompProfile): string {
  const { action, errnoRet } = scmpAction(profile.defaultVerdict);
  const document = {
    defaultAction: action,
    ...(errnoRet !== undefined ? { defaultErrnoRet: errnoRet } : {}),
    archMap: nativeArches(profile).map((native) => ({
      architecture: ARCH_INFO[native].scmpArch,
      subArchitectures: scmpArches(family(profile, native).filter((arch) => arch !== native)),
    })),
    syscalls: dockerSyscalls(profile),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const FilterSchema = z.strictObject({
  caps: z.array(z.string()).optional(),
  arches: z.array(z.string()).optional(),
  minKernel: z.string().optional(),
});

const DockerSyscallSchema = z.strictObject({
  name: z.string().optional(),
  names: z.array(z.string()).optional(),
  action: ScmpActionSchema,
  errnoRet: ErrnoSchema.optional(),
  args: z.array(ScmpArgSchema).nullable().optional(),
  comment: z.string().optional(),
  includes: FilterSchema.optional(),
  excludes: FilterSchema.optional(),
});

const DockerProfileSchema = z.strictObject({
  defaultAction: ScmpActionSchema,
  defaultErrnoRet: ErrnoSchema.optional(),
  architectures: z.array(z.string()).optional(),
  archMap: z
    .array(z.strictObject({ architecture: z.string(), subArchitectures: z.array(z.string()).nullable().optional() }))
    .optional(),
  syscalls: z.array(DockerSyscallSchema).nullable().optional(),
});

export interface DockerReadOptions {
  /** The container's bounding capabilities, for rules with `includes.caps` / `excludes.caps` (default none). */
  readonly capabilities?: readonly string[];
}

/**
 * Whether a rule's includes/excludes select it on hosts of `native` for a
 * container with `capabilities`. `minKernel` is taken as met: profilesmith
 * judges a profile for current kernels.
 */
function selected(rule: z.infer<typeof DockerSyscallSchema>, native: NativeArch, capabilities: readonly string[]): boolean {
  const host = DOCKER_ARCH_NAMES[native];
  const { includes = {}, excludes = {} } = rule;
  if (includes.arches && !includes.arches.includes(host)) return false;
  if (excludes.arches?.includes(host)) return false;
  if (includes.caps && !includes.caps.every((cap) => capabilities.includes(cap))) return false;
  if (excludes.caps?.some((cap) => capabilities.includes(cap))) return false;
  return true;
}

export function readDocker(text: string, file: string, options: DockerReadOptions = {}): ReadProfile {
  const document = parseWith(DockerProfileSchema, parseJson(text, file), file);
  if (document.architectures && document.archMap) {
    throw new InputError(`${file}: has both architectures and archMap; moby accepts only one`);
  }
  const listed = document.archMap
    ? archesFromScmp(document.archMap.flatMap((entry) => [entry.architecture, ...(entry.subArchitectures ?? [])]))
    : archesFromScmp(document.architectures ?? []);
  const arches = withNativeArches(listed.length > 0 ? listed : [hostArch()]);
  const rules: SeccompRule[] = [];
  const warnings: string[] = [];
  for (const [i, rule] of (document.syscalls ?? []).entries()) {
    const where = `${file}: syscalls[${i}]`;
    if (rule.name !== undefined && rule.names !== undefined) throw new InputError(`${where}: has both name and names`);
    const names = rule.names ?? (rule.name !== undefined ? [rule.name] : []);
    if (names.length === 0) throw new InputError(`${where}: names no syscall`);
    warnings.push(...unknownNameWarnings(names, where));
    const verdict = verdictFromScmp(rule.action, rule.errnoRet, where);
    for (const native of COMPAT_NATIVES) {
      if (!selected(rule, native, options.capabilities ?? [])) continue;
      const scope = arches.filter((arch) => ARCH_INFO[arch].native === native);
      for (const args of conditionSetsFromScmp(rule.args ?? [])) {
        rules.push(...expandRuleGroups([{ names, verdict, args }], scope));
      }
    }
  }
  const profile = canonicalProfile({
    defaultVerdict: verdictFromScmp(document.defaultAction, document.defaultErrnoRet, `${file}: defaultAction`),
    arches,
    rules,
  });
  return { profile, warnings };
}

const COMPAT_NATIVES = Object.keys(COMPAT_ARCHES) as NativeArch[];

/** Whether `prefix` can begin a JSON text: JSON.parse fails on it, if at all, only for want of more. */
function beginsJson(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const at = / at position (\d+)/.exec(message);
    return message.startsWith("Unexpected end of JSON input") || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/**
 * The line of the first character JSON.parse rejects (V8 does not always say
 * where): the end of the longest prefix that can begin a JSON text, found by bisection.
 */
function jsonErrorLine(text: string): number {
  let viable = 0;
  let rejected = text.length;
  if (beginsJson(text)) viable = rejected;
  while (rejected - viable > 1) {
    const mid = (viable + rejected) >>> 1;
    if (beginsJson(text.slice(0, mid))) viable = mid;
    else rejected = mid;
  }
  // Wanting more text is an error on the last line that has any.
  const at = viable === text.length ? text.trimEnd().length : viable;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Parses JSON; bad syntax is an InputError on one line: `FILE:LINE: not JSON: WHY`. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8's reason without its position or its quote of the text (which may span lines).
    const why = (error as Error).message.replace(/(?: in JSON)? at position \d+.*$|, (?:\.\.\.)?".*$/s, "");
    throw new InputError(`not JSON: ${why}`, { file, line: jsonErrorLine(text) });
  }
}
