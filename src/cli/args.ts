import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

interface StrictConfig<O extends OptionsConfig> {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: O;
}

export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<O>>>;

/** A command's flags and operands, strictly: an unknown or malformed flag is a UsageError (exit 2). */
export function parseCommandLine<const O extends OptionsConfig>(argv: readonly string[], options: O): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
