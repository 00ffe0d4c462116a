import { readFileSync } from "node:fs";
import { InputError, UsageError } from "../errors.js";
import { packageFile } from "../package-files.js";
import { EXIT, type CliIo } from "./command.js";
import { COMMANDS } from "./commands/index.js";

function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 0);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: profilesmith COMMAND [OPTIONS]",
    "",
    "Turn what a program really did into minimal, default-deny seccomp and AppArmor profiles.",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show help (also: profilesmith COMMAND --help)",
    "  -V, --version  print the version",
    "",
    "Exit codes: 0 success, 1 findings (denials, differences, stale profiles), 2 usage or input error.",
    "",
  ].join("\n");
}

/** Runs the CLI in-process: the library behind `npx profilesmith`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.stdout.write(topLevelHelp());
    return EXIT.ok;
  }
  if (first === "-V" || first === "--version") {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (!entry) {
    io.stderr.write(`profilesmith: unknown command "${first}" (see profilesmith --help)\n`);
    return EXIT.usage;
  }
  // After `--` the words belong to the command `record` runs, not to us.
  const ownArgs = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  const command = await entry.load();
  if (ownArgs.includes("-h") || ownArgs.includes("--help")) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      io.stderr.write(`profilesmith ${entry.name}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
