import type { Command } from "../command.js";
import { apparmorCommand } from "./apparmor.js";
import { checkCommand } from "./check.js";
import { diffCommand } from "./diff.js";
import { recordCommand } from "./record.js";
import { refineCommand } from "./refine.js";
import { lintCommand } from "./lint.js";
import { seccompCommand } from "./seccomp.js";
import { verifyCommand } from "./verify.js";

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [recordCommand, seccompCommand, apparmorCommand, refineCommand, checkCommand, verifyCommand, lintCommand, diffCommand];
