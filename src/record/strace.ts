/**
 * Running a command under strace: the options our parser gets the most from,
 * a check that strace can trace here at all, and the command's stdio, signals
 * and exit status passed through.
 */
import { spawn, type StdioOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { InputError } from "../errors.js";

/**
 * `-f` follows forks; `-n` prints each call's number (names that differ
 * between ABIs stay unambiguous); `-yy` decorates fds with their paths and
 * sockets (what the AppArmor generator reads); `-s 256` shows 256 bytes of
 * each string, enough for most execve arguments; `quiet=attach` drops the
 * attach/detach chatter. Personality and exit lines stay: the parser uses them.
 */
export const STRACE_OPTIONS = ["-f", "-n", "-yy", "-s", "256", "-e", "quiet=attach"] as const;

/** The strace argv that runs `command` and writes its trace to `traceFile`. */
export function straceArgv(traceFile: string, command: string, args: readonly string[]): string[] {
  return [...STRACE_OPTIONS, "-o", traceFile, "--", command, ...args];
}

export const STRACE_MISSING = "strace is not installed or not on PATH (Debian/Ubuntu: apt-get install strace)";
export const PTRACE_DENIED =
  "strace may not trace here: ptrace is not permitted (in a container: --cap-add SYS_PTRACE and a seccomp profile allowing ptrace; on the host: sysctl kernel.yama.ptrace_scope)";

function cannotRunStrace(error: NodeJS.ErrnoException): InputError {
  return new InputError(error.code === "ENOENT" ? STRACE_MISSING : `cannot run strace (${error.code ?? error.message})`);
}

/** Why strace's stderr says it could not trace at all, or undefined. */
export function straceFailure(stderr: string): string | undefined {
  if (/PTRACE_(TRACEME|SEIZE|ATTACH)\b.*(Operation not permitted|Permission denied)/.test(stderr)) return PTRACE_DENIED;
  return undefined;
}

/**
 * Traces a trivial program (node itself, which is certainly here) so that a
 * missing strace or a refused ptrace is an InputError before the real command
 * runs, with a hint instead of strace's bare message. `env.PATH` finds strace.
 */
export async function ensureStraceWorks(env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn("strace", ["-o", "/dev/null", "--", process.execPath, "--version"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", (error) => fail(cannotRunStrace(error)));
    child.on("close", done);
  });
  if (code === 0) return;
  throw new InputError(straceFailure(stderr) ?? `strace cannot trace here: ${stderr.trim().split("\n")[0] || `exit status ${code}`}`);
}

/** Where the traced command's stdio goes: streams with a file descriptor are handed over as they are (a terminal stays a terminal). */
export interface TracedStdio {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

function fdOf(stream: Readable | Writable): number | undefined {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === "number" ? fd : undefined;
}

const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The pid strace runs the command as: its first child. */
function tracedPid(stracePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, "utf8").trim().split(" ");
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is in its terminal's foreground process group: then the
 * terminal has already sent it the Ctrl-C (SIGINT) we received, and sending
 * it again would deliver it twice.
 */
function inTerminalForeground(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold anything.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const processGroup = Number(fields[2]);
    const terminalGroup = Number(fields[5]);
    return terminalGroup > 0 && processGroup === terminalGroup;
  } catch {
    return false;
  }
}

/** The exit status a shell would report: the code, or 128 + the signal's number. */
function shellStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
}

/**
 * Runs `command` under strace, writing the trace to `traceFile`, and resolves
 * to the command's exit status (strace passes it on; a command killed by a
 * signal gives 128 + its number). SIGINT, SIGTERM and SIGHUP sent to this
 * process are forwarded to the command while it runs.
 */
export async function runTraced(
  traceFile: string,
  command: string,
  args: readonly string[],
  stdio: TracedStdio,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Promise<number> {
  const streams = [stdio.stdin, stdio.stdout, stdio.stderr] as const;
  const spec: StdioOptions = streams.map((stream) => fdOf(stream) ?? "pipe");
  const child = spawn("strace", straceArgv(traceFile, command, args), { cwd: options.cwd, env: options.env, stdio: spec });
  if (child.stdin) stdio.stdin.pipe(child.stdin).on("error", () => undefined);
  child.stdout?.pipe(stdio.stdout, { end: false });
  child.stderr?.pipe(stdio.stderr, { end: false });

  const forward = (signal: NodeJS.Signals) => {
    const pid = child.pid === undefined ? undefined : tracedPid(child.pid);
    if (pid === undefined || (signal === "SIGINT" && inTerminalForeground(pid))) return;
    try {
      process.kill(pid, signal);
    } catch {
      // The command has just exited.
    }
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    return await new Promise<number>((done, fail) => {
      child.on("error", (error) => fail(cannotRunStrace(error)));
      child.on("close", (code, signal) => done(shellStatus(code, signal)));
    });
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    if (child.stdin) stdio.stdin.unpipe(child.stdin);
  }
}
