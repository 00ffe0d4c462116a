export * from "./syscalls/index.js";
export type * from "./events/index.js";
export * from "./parse/index.js";
export * from "./policy/index.js";
export * from "./seccomp/index.js";
export { InputError, UsageError } from "./errors.js";
export { runCli } from "./cli/run.js";
export type { CliIo, Command, ExitCode } from "./cli/command.js";
