/** Whether a profile file is AppArmor policy text (abi, include, profile lines) rather than a seccomp profile (JSON or YAML). */
export function isAppArmorProfileText(text: string): boolean {
  return /^\s*(?:abi\s*<|#?include\s*<|profile\s)/m.test(text) && !/^\s*[{[]/.test(text);
}
