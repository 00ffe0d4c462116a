/**
 * A profile file named on the command line, read and told apart by kind.
 * The kind decides which checker, linter and differ apply to it.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { AppArmorDocument } from "../apparmor/index.js";
import { readAppArmorDocument } from "../apparmor/index.js";
import { InputError } from "../errors.js";
import { readSeccompProfile, type SeccompProfile } from "../seccomp/index.js";

export interface SeccompProfileFile {
  readonly kind: "seccomp";
  /** The name as the user gave it. */
  readonly file: string;
  readonly text: string;
  readonly profile: SeccompProfile;
  /** What of the file the reader cannot judge (names no modelled ABI has). */
  readonly warnings: readonly string[];
}

export interface AppArmorProfileFile {
  readonly kind: "apparmor";
  readonly file: string;
  readonly text: string;
  /** The profile, with each rule's line and the mount, pivot_root and change_profile rules the model does not hold. */
  readonly document: AppArmorDocument;
}

export type ProfileFile = SeccompProfileFile | AppArmorProfileFile;

export async function readText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error));
    throw new InputError(`${file}: cannot read (${why})`);
  }
}

/** Reads a seccomp profile in Docker, OCI (a `linux.seccomp` object or a whole config.json) or SPO format. */
export async function readSeccompProfileFile(file: string, cwd: string): Promise<SeccompProfileFile> {
  return seccompFile(file, await readText(file, cwd));
}

function seccompFile(file: string, text: string): SeccompProfileFile {
  const { profile, warnings } = readSeccompProfile(text, file);
  return { kind: "seccomp", file, text, profile, warnings };
}

function appArmorFile(file: string, text: string): AppArmorProfileFile {
  return { kind: "apparmor", file, text, document: readAppArmorDocument(text, file) };
}

/** Reads an AppArmor profile (see apparmor/read.ts for what it may hold). */
export async function readAppArmorProfileFile(file: string, cwd: string): Promise<AppArmorProfileFile> {
  return appArmorFile(file, await readText(file, cwd));
}

/** AppArmor policy text starts (after comments) with `abi`, an include, or a profile block; seccomp profiles are JSON or YAML. */
const APPARMOR_START = /^\s*(?:abi\s*<|#?include\s|profile\s|\/\S*\s+(?:flags\s*=\s*\([^)]*\)\s*)?\{)/;

/** Whether `text` is AppArmor policy rather than a seccomp profile, by its first line that is not blank or a comment. */
export function isAppArmorText(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== "" && !/^\s*#(?!include\s)/.test(line));
  return first !== undefined && APPARMOR_START.test(first);
}

/** A profile of either kind, told apart by content. */
export async function readProfileFile(file: string, cwd: string): Promise<ProfileFile> {
  const text = await readText(file, cwd);
  return isAppArmorText(text) ? appArmorFile(file, text) : seccompFile(file, text);
}
