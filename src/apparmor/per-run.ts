/**
 * Names that change from run to run, and the narrowest glob that covers the
 * next run's name: a process id under /proc, a pseudo-terminal number, a
 * mktemp/mkstemp suffix, a hex id, sqlite's and git's temporary files (git's symlink probe too). Everything else in the path stays
 * literal; a path with a component that cannot be written inside a glob
 * (quotes, blanks, glob syntax) is left literal rather than widened.
 */

/** Where per-run files live: globs there are `owner` rules (the workload made the file). */
const OWNER_PREFIXES = ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/", "@{PROC}/"];

/** Characters a literal component may have inside a glob without being glob syntax. */
const PLAIN_COMPONENT = /^[A-Za-z0-9._+\-@~%:=]+$/;

const TEMP_DIRS = new Set(["/tmp", "/var/tmp", "/dev/shm"]);
const PID = /^[1-9][0-9]*$/;
/** mktemp(1)'s default template `tmp.XXXXXXXXXX`. */
const MKTEMP = /^tmp\.[A-Za-z0-9]{10}$/;
/** sqlite's temporary files `etilqs_` + 16 random characters. */
const SQLITE_TEMP = /^etilqs_[A-Za-z0-9]{16}$/;
/** Python's tempfile names: `tmp` + 8 of `[a-z0-9_]`. */
const PYTHON_TEMP = /^tmp[a-z0-9_]{8}$/;
/** A made file's random suffix after a separator (`foo.XXXXXXXX`, git's `tmp_obj_XXXXXX`). */
const SEPARATED_SUFFIX = /^(.*[._-])([A-Za-z0-9]{6,10})$/;
/** mkstemp's 6 random characters at the end of any template (`sedXXXXXX` of sed -i). */
const MKSTEMP_SUFFIX = /^(.+)([A-Za-z0-9]{6})$/;
/** A run of hex digits long enough to be an id (8: a short commit or a container id prefix). */
const HEX_RUN = /[0-9a-f]{8,}|[0-9A-F]{8,}/g;
/**
 * Names made only of random characters, directly in a temp dir: the one kind of new name there
 * we glob, since the workload cannot run without it. Python's tempfile checks a directory is
 * usable with 8 of `[a-z0-9_]`; Perl's File::Temp (and others) use `[A-Za-z0-9_]` (10 by
 * default). The latter only when the observed name mixes character classes (it looks random).
 */
const PYTHON_PROBE = /^[a-z0-9_]{8}$/;
const BARE_RANDOM = /^[A-Za-z0-9_]{8,16}$/;
const GIT_FANOUT = /^[0-9a-f]{2}$/;
/** `git init`'s probe of symlink support, made in the new `.git` from the template `tXXXXXX` (mkstemp). */
const GIT_PROBE = /^t[A-Za-z0-9]{6}$/;

function charClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/].filter((c) => c.test(text)).length;
}

function anyChars(count: number): string {
  return "?".repeat(count);
}

/** Hex runs mixing digits and letters (not words, not plain numbers) as `[0-9a-f]` per character. */
function hexIds(component: string): string {
  return component.replace(HEX_RUN, (run) =>
    /[0-9]/.test(run) && /[a-fA-F]/.test(run) ? (/[a-f]/.test(run) ? "[0-9a-f]" : "[0-9A-F]").repeat(run.length) : run,
  );
}

/** A random-looking suffix: it mixes at least two of lower case, upper case and digits. */
function randomSuffix(match: RegExpExecArray | null): string | undefined {
  const [, prefix, suffix] = match ?? [];
  return prefix !== undefined && suffix !== undefined && charClasses(suffix) >= 2 ? `${prefix}${anyChars(suffix.length)}` : undefined;
}

/**
 * A component's per-run glob, or undefined when it is a fixed name. `created`: the workload made
 * it (O_CREAT|O_EXCL, mkdir, …), so a random-looking suffix is a temporary name; `inTempDir`:
 * directly in /tmp, /var/tmp or /dev/shm.
 */
function componentGlob(component: string, created: boolean, inTempDir: boolean): string | undefined {
  if (MKTEMP.test(component)) return `tmp.${anyChars(10)}`;
  if (SQLITE_TEMP.test(component)) return `etilqs_${anyChars(16)}`;
  const hex = hexIds(component);
  if (created && hex === component) {
    if (PYTHON_TEMP.test(component)) return `tmp${anyChars(8)}`;
    if (inTempDir && PYTHON_PROBE.test(component)) return "[a-z0-9_]".repeat(8);
    if (inTempDir && BARE_RANDOM.test(component) && charClasses(component) >= 2) return "[A-Za-z0-9_]".repeat(component.length);
    const glob = randomSuffix(SEPARATED_SUFFIX.exec(component)) ?? randomSuffix(MKSTEMP_SUFFIX.exec(component));
    if (glob !== undefined) return glob;
  }
  return hex === component ? undefined : hex;
}

/** /proc's per-process parts: `/proc/1234/…`, `/proc/self/…` → `@{PROC}/@{pid}/…`, task and fd numbers. */
function procComponents(components: readonly string[]): (string | undefined)[] {
  return components.map((component, i) => {
    const before = components[i - 1];
    if (i === 0) return "@{PROC}";
    if (i === 1 && (PID.test(component) || component === "self")) return "@{pid}";
    if (i === 1 && component === "thread-self") return "@{pid}/task/@{tid}";
    if (before === "task" && i === 3 && PID.test(component)) return "@{tid}";
    if ((before === "fd" || before === "fdinfo") && /^[0-9]+$/.test(component)) return "[0-9]*";
    return undefined;
  });
}

export interface PerRunGlob {
  readonly source: string;
  readonly owner: boolean;
}

/**
 * The glob for `path` (resolved, a trailing `/` for a directory) when some
 * component is per-run, else undefined. `createdPrefix(p)` says whether the
 * workload made the file or directory `p` (for mkstemp-style suffixes).
 */
export function perRunGlob(path: string, createdPrefix: (prefix: string) => boolean): PerRunGlob | undefined {
  const directory = path.length > 1 && path.endsWith("/");
  const components = path.split("/").filter(Boolean);
  const globs =
    components[0] === "proc"
      ? procComponents(components)
      : components.map((component, i) => {
          const prefix = `/${components.slice(0, i + 1).join("/")}`;
          const made = createdPrefix(prefix) || createdPrefix(`${prefix}/`);
          if (components[i - 1] === "objects" && GIT_FANOUT.test(component)) return "[0-9a-f][0-9a-f]";
          // Its six random characters may all be letters of one case, unlike what randomSuffix takes as random.
          if (made && components[i - 1] === ".git" && GIT_PROBE.test(component)) return `t${anyChars(6)}`;
          if (prefix === `/dev/pts/${component}` && /^[0-9]+$/.test(component)) return "[0-9]*";
          return componentGlob(component, made, TEMP_DIRS.has(`/${components.slice(0, i).join("/")}`));
        });
  if (globs.every((glob) => glob === undefined) || (components[0] === "proc" && globs[1] === undefined)) return undefined;
  if (components.some((component, i) => globs[i] === undefined && !PLAIN_COMPONENT.test(component))) return undefined;
  const source = components.map((component, i) => globs[i] ?? component).join("/");
  const rooted = source.startsWith("@{PROC}") ? source : `/${source}`;
  const full = directory ? `${rooted}/` : rooted;
  return { source: full, owner: OWNER_PREFIXES.some((prefix) => full.startsWith(prefix)) };
}
