/**
 * Line shapes as they occur in the real recordings of test/fixtures/strace (see
 * recorded.tsv there for how each was made): the events they must give, not
 * only the syscall sets the fixture test checks. Assertions avoid pids and line
 * numbers so re-recording a fixture does not break them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ExitEvent, SyscallEvent, TraceEvent } from "../../src/events/types.js";
import { readTraces } from "../../src/parse/index.js";

const ROOT = join(import.meta.dirname, "..", "fixtures", "strace");

async function events(name: string): Promise<TraceEvent[]> {
  const reading = readTraces([join(ROOT, name)], { strict: true });
  const all: TraceEvent[] = [];
  for await (const batch of reading.batches) all.push(...batch);
  return all;
}

function syscalls(all: readonly TraceEvent[]): SyscallEvent[] {
  return all.filter((e): e is SyscallEvent => e.kind === "syscall");
}

function recorded(name: string): boolean {
  return existsSync(join(ROOT, name));
}

describe("shapes in real recordings", () => {
  test.skipIf(!recorded("pipeline-inject.trace"))("-e inject: (INJECTED) errors and (DELAYED) calls", async () => {
    const calls = syscalls(await events("pipeline-inject.trace"));
    expect(calls.find((e) => e.name === "getpid" && e.injected)?.outcome).toEqual({ kind: "failed", errno: "600" });
    expect(calls.some((e) => e.name === "openat" && e.injected && e.outcome.kind === "failed")).toBe(true);
    expect(calls.filter((e) => e.name === "close" && e.delayed).length).toBeGreaterThan(0);
  });

  test.skipIf(!recorded("sigkill.trace"))("a process killed mid-call: its call counted once, unfinished", async () => {
    const all = await events("sigkill.trace");
    const killed = all.find((e): e is ExitEvent => e.kind === "exit" && "killedBy" in e.how);
    expect(killed).toMatchObject({ how: { killedBy: "SIGKILL", coreDumped: false } });
    const ofKilled = syscalls(all).filter((e) => e.pid === killed?.pid);
    expect(ofKilled.at(-1)?.outcome.kind).toMatch(/unfinished|unknown/);
    const starts = new Set(ofKilled.map((e) => e.pos.line));
    expect(starts.size).toBe(ofKilled.length);
  });

  test.skipIf(!recorded("thread-execve-spin.trace"))("execve in a thread: <pid changed to …> and superseded", async () => {
    const calls = syscalls(await events("thread-execve-spin.trace"));
    const execs = calls.filter((e) => e.name === "execve" && e.outcome.kind === "returned" && e.rawArgs.includes("after-exec"));
    expect(execs).toHaveLength(1);
    // The call moved to the thread-group leader's pid, which the later calls of /bin/echo use.
    const leader = execs[0]?.pid;
    expect(calls.some((e) => e.pid === leader && e.name === "exit_group")).toBe(true);
  });

  test.skipIf(!recorded("attach-sleep.trace"))("-p attach: restart_syscall is a call, detached unfinished", async () => {
    const calls = syscalls(await events("attach-sleep.trace"));
    expect(calls.map((e) => [e.name, e.outcome.kind])).toContainEqual(["restart_syscall", "unfinished"]);
  });

  test.skipIf(!recorded("int80-n.trace"))("-n numbers put int $0x80 calls under x86", async () => {
    const calls = syscalls(await events("int80-n.trace"));
    expect(calls.filter((e) => e.arch === "x86").map((e) => e.name)).toEqual(["write", "getpid"]);
    expect(calls.find((e) => e.name === "getppid")?.arch).toBe("x86_64");
  });

  test.skipIf(!recorded("fd-kinds-yy.trace"))("-yy decorations are read into decoded fds and return values", async () => {
    const calls = syscalls(await events("fd-kinds-yy.trace"));
    const decorated = calls.filter((e) => e.outcome.kind === "returned" && e.outcome.decoration !== undefined);
    expect(decorated.length).toBeGreaterThan(0);
    const cwd = calls.find((e) => e.decoded?.call === "open" && e.decoded.at.dirfd.decoration !== undefined);
    expect(cwd?.decoded).toMatchObject({ at: { dirfd: { fd: -100 } } });
  });
});
