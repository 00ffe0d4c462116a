/**
 * Argument rules that cut real attack surface where a trace shows what a
 * call was used for: socket to the address families seen (AF_ALG, AF_VSOCK,
 * AF_PACKET, netlink stay denied unless seen), clone and unshare without
 * namespace flags unless seen (Docker's MASKED_EQ rule), personality to the
 * personas seen.
 */
import type { ArgCondition, ArgFacts } from "../policy/model.js";

/**
 * CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
 * | CLONE_NEWPID | CLONE_NEWNET: Docker's mask for clone's flags. clone
 * cannot include CLONE_NEWTIME (0x80): those bits are its exit signal.
 */
export const CLONE_NAMESPACE_MASK = 0x7e020000;
/** The same for unshare, where CLONE_NEWTIME (0x80) is a flag. */
export const UNSHARE_NAMESPACE_MASK = 0x7e020080;

/** The calls this module narrows, and how: each value seen allowed exactly, or no namespace flags. */
const NARROWED: Readonly<Record<string, { readonly kind: "values" } | { readonly kind: "mask"; readonly mask: number }>> =
  {
    socket: { kind: "values" },
    personality: { kind: "values" },
    clone: { kind: "mask", mask: CLONE_NAMESPACE_MASK },
    unshare: { kind: "mask", mask: UNSHARE_NAMESPACE_MASK },
  };

/** Whether `name` is one of the calls argument rules narrow. */
export function isNarrowed(name: string): boolean {
  return Object.hasOwn(NARROWED, name);
}

/**
 * The condition sets under which `name` is allowed (ORed, one rule each), or
 * undefined for an unconditional allow: the call is not narrowed, or its
 * first argument was seen with a value the trace could not decode, or (for
 * clone and unshare) some call did create a namespace.
 */
export function argumentConditions(name: string, facts: ArgFacts): ArgCondition[][] | undefined {
  const narrowing = Object.hasOwn(NARROWED, name) ? NARROWED[name] : undefined;
  const seen = facts["0"];
  if (narrowing === undefined || seen === undefined || seen === "any") return undefined;
  if (narrowing.kind === "values") return seen.map((value) => [{ index: 0, op: "EQ", value }]);
  if (seen.some((flags) => (BigInt(flags) & BigInt(narrowing.mask)) !== 0n)) return undefined;
  return [[{ index: 0, op: "MASKED_EQ", value: narrowing.mask, valueTwo: 0 }]];
}
