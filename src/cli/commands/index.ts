import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { seccompCommand } from "./seccomp.js";

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [seccompCommand, checkCommand];
