import type { OciSeccomp } from "./bundle.js";

interface DockerRule {
  readonly name?: string;
  readonly names?: readonly string[];
  readonly includes?: Readonly<Record<string, unknown>>;
  readonly excludes?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

interface DockerProfile {
  readonly archMap?: ReadonlyArray<{ readonly architecture: string; readonly subArchitectures?: readonly string[] }>;
  readonly architectures?: readonly string[];
  readonly syscalls?: readonly DockerRule[];
  readonly [field: string]: unknown;
}

const NATIVE = "SCMP_ARCH_X86_64";

function isEmpty(condition: Readonly<Record<string, unknown>> | undefined): boolean {
  return condition === undefined || Object.keys(condition).length === 0;
}

/**
 * The `linux.seccomp` Docker hands the runtime for a profile in Docker's
 * format (moby's `setupSeccomp`), for what profilesmith emits: the native
 * `archMap` entry and its sub-architectures become `architectures`, `name`
 * becomes `names`. Rules with includes/excludes are not modelled: they throw.
 */
export function dockerToOci(profile: DockerProfile): OciSeccomp {
  const { archMap, architectures, syscalls = [], ...rest } = profile;
  const arches = archMap
    ? archMap.filter((entry) => entry.architecture === NATIVE).flatMap((entry) => [entry.architecture, ...(entry.subArchitectures ?? [])])
    : (architectures ?? []);
  return {
    ...rest,
    architectures: arches,
    syscalls: syscalls.map(({ name, names, includes, excludes, ...rule }) => {
      if (!isEmpty(includes) || !isEmpty(excludes)) throw new Error(`includes/excludes are not modelled: ${JSON.stringify(rule)}`);
      return { names: names ?? (name === undefined ? [] : [name]), ...rule };
    }),
  };
}
