/**
 * What `profilesmith seccomp` lets its user choose, apart from the generator
 * and its schemas: the command checks its options, and starts reading the
 * traces, before it loads them.
 */
import type { DecodedKind } from "../parse/decode.js";

export const SECCOMP_FORMATS = ["docker", "oci", "spo"] as const;
export type SeccompFormat = (typeof SECCOMP_FORMATS)[number];

/** The container runtimes whose own calls after installing the filter a profile can allow (see runtime.ts). */
export const RUNTIMES = ["runc", "runc-nnp", "crun", "crun-nnp"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** The decoded arguments the profile reads (argument rules); a reader need decode no others. */
export const SECCOMP_DECODED_KINDS: ReadonlySet<DecodedKind> = new Set(["socket", "clone", "unshare", "personality"]);
