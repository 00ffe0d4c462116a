import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileC } from "./compile.js";

/**
 * `reaper CREATE... -- START...`: runs the two commands one after the other as
 * a child subreaper, so the container process `create` leaves behind is
 * reparented to it; exits with the status of the first command that fails,
 * else with the status of the last orphan to exit, the container process
 * (125 if there was none). `create` + `start` is how Docker, containerd and
 * podman drive runc and crun, and `run` hides the container's exit status no
 * other way.
 */
const REAPER_SOURCE = `#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

int main(int argc, char **argv) {
  int split = 1;
  while (split < argc && strcmp(argv[split], "--") != 0) split++;
  if (split >= argc - 1 || prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return 126;
  argv[split] = NULL;
  char **commands[] = { argv + 1, argv + split + 1 };
  int orphan = 125, status;
  for (int i = 0; i < 2; i++) {
    pid_t child = fork();
    if (child == 0) { execvp(commands[i][0], commands[i]); _exit(127); }
    for (pid_t pid; (pid = wait(&status)) != child;) {
      if (pid < 0) return 126;
      orphan = code(status);
    }
    if (code(status) != 0) return code(status);
  }
  while (wait(&status) > 0) orphan = code(status);
  return orphan;
}
`;

let reaper: string | undefined;

/** The reaper binary, compiled once per test process and removed when it exits. */
export function reaperPath(): string {
  if (reaper === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "profilesmith-reaper-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    reaper = compileC(dir, "reaper", REAPER_SOURCE);
  }
  return reaper;
}
