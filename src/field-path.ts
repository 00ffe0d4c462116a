/** Where a field is in a document the user wrote: keys and list indexes from the top. */
export type FieldPath = readonly (string | number)[];

/** `seccomp.allow[3]`, `apparmor.files[0].perms`; the empty path is the document. */
export function formatFieldPath(path: FieldPath): string {
  if (path.length === 0) return "(document)";
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}
