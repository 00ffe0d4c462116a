import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moduleLoadOrder, moduleName } from "./support/modules.js";

// Lines as depmod writes them for Debian's 6.1 kernel (module → all it needs).
const MODULES_DEP = `kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/fs/netfs/netfs.ko:
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/net/9p/9pnet.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/fs/9p/9p.ko.xz: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
`;

const names = (wanted: string[], builtin = "") => moduleLoadOrder(wanted, MODULES_DEP, builtin).map((m) => m.name);

describe("kernel module load order", () => {
  it("names a module by its file name without .ko and compression suffix, - as _", () => {
    expect(moduleName("kernel/fs/9p/9p.ko.xz")).toBe("9p");
    expect(moduleName("kernel/drivers/net/virtio-net.ko")).toBe("virtio_net");
  });

  it("loads dependencies first, each module once", () => {
    expect(names(["9p", "9pnet_virtio", "virtio_pci"])).toEqual([
      "9pnet",
      "netfs",
      "fscache",
      "9p",
      "virtio_ring",
      "virtio",
      "9pnet_virtio",
      "virtio_pci_legacy_dev",
      "virtio_pci_modern_dev",
      "virtio_pci",
    ]);
  });

  it("keeps the module's file path, compressed or not", () => {
    expect(moduleLoadOrder(["9p"], MODULES_DEP, "").at(-1)).toEqual({ name: "9p", path: "kernel/fs/9p/9p.ko.xz" });
  });

  it("leaves out modules built into the kernel", () => {
    expect(names(["fscache"], "kernel/fs/netfs/netfs.ko\n")).toEqual(["fscache"]);
  });

  it("refuses a module the kernel does not have", () => {
    expect(() => names(["nosuchmod"])).toThrow("kernel module nosuchmod is neither in modules.dep nor in modules.builtin");
  });

  it("orders any dependency graph: closed under dependencies, dependencies before dependents, no repeats", () => {
    // Module i may depend on modules below i; depmod lists the transitive closure.
    const graph = fc
      .integer({ min: 1, max: 12 })
      .chain((n) => fc.array(fc.subarray([...Array(n).keys()]), { minLength: n, maxLength: n }))
      .map((direct) => direct.map((deps, i) => deps.filter((d) => d < i)));
    fc.assert(
      fc.property(graph, fc.array(fc.nat()), (direct, picks) => {
        const closure: Set<number>[] = [];
        direct.forEach((deps, i) => (closure[i] = new Set(deps.flatMap((d) => [d, ...(closure[d] as Set<number>)]))));
        const dep = closure.map((deps, i) => `m${i}.ko: ${[...deps].map((d) => `m${d}.ko`).join(" ")}`).join("\n");
        const wanted = picks.map((p) => `m${p % direct.length}`);
        const order = moduleLoadOrder(wanted, dep, "").map((m) => Number(m.name.slice(1)));
        expect(new Set(order).size).toBe(order.length);
        const expected = new Set(wanted.map((w) => Number(w.slice(1))).flatMap((i) => [i, ...(closure[i] as Set<number>)]));
        expect(new Set(order)).toEqual(expected);
        order.forEach((m, at) => {
          for (const d of closure[m] as Set<number>) expect(order.indexOf(d)).toBeLessThan(at);
        });
      }),
    );
  });
});
