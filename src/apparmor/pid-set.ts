/**
 * A set of process ids that stays small however many pids a trace goes
 * through: a plain Set while it is small, then one bit for each pid Linux can
 * hand out (PID_MAX_LIMIT, 2^22 on 64-bit: 512 KiB), with any other number a
 * trace may name in a Set beside the bits.
 */

/** The largest pid_max Linux allows, plus one. */
const PID_MAX_LIMIT = 2 ** 22;

function isKernelPid(pid: number): boolean {
  return Number.isInteger(pid) && pid >= 0 && pid < PID_MAX_LIMIT;
}

/** One bit per kernel pid: word `pid >>> 5`, bit `pid & 31`. */
class PidBits {
  private readonly words = new Uint32Array(PID_MAX_LIMIT / 32);

  has(pid: number): boolean {
    return ((this.words[pid >>> 5] as number) & (1 << (pid & 31))) !== 0;
  }

  set(pid: number, on: boolean): void {
    const word = this.words[pid >>> 5] as number;
    this.words[pid >>> 5] = on ? word | (1 << (pid & 31)) : word & ~(1 << (pid & 31));
  }
}

type Store = { readonly kind: "listed"; readonly pids: Set<number> } | { readonly kind: "bits"; readonly bits: PidBits; readonly others: Set<number> };

export class PidSet {
  private store: Store = { kind: "listed", pids: new Set() };

  /** `listedMax`: how many pids a plain Set holds before the bits take over (about where the Set is as large). */
  constructor(private readonly listedMax = 16_384) {}

  add(pid: number): void {
    const store = this.store;
    if (store.kind === "listed") {
      store.pids.add(pid);
      if (store.pids.size > this.listedMax) this.toBits(store.pids);
    } else if (isKernelPid(pid)) store.bits.set(pid, true);
    else store.others.add(pid);
  }

  has(pid: number): boolean {
    const store = this.store;
    if (store.kind === "listed") return store.pids.has(pid);
    return isKernelPid(pid) ? store.bits.has(pid) : store.others.has(pid);
  }

  /** Removes `pid`; whether it was there. */
  delete(pid: number): boolean {
    const store = this.store;
    if (store.kind === "listed") return store.pids.delete(pid);
    if (!isKernelPid(pid)) return store.others.delete(pid);
    const had = store.bits.has(pid);
    store.bits.set(pid, false);
    return had;
  }

  private toBits(pids: Set<number>): void {
    this.store = { kind: "bits", bits: new PidBits(), others: new Set() };
    for (const pid of pids) this.add(pid);
  }
}
