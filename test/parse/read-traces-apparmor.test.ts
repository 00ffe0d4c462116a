import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { auditMessages, readTraces, type ReadEvent } from "../../src/parse/read-traces.js";
import type { TraceEvent } from "../../src/events/types.js";

const kernelLog = fileURLToPath(new URL("../refine/apparmor-kernel/dmesg.txt", import.meta.url));
const handwritten = fileURLToPath(new URL("../fixtures/audit/apparmor-handwritten.log", import.meta.url));

async function all<E>(events: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("readTraces: AppArmor records of audit logs", () => {
  it("passes them on in withRecords, in log order, and counts them", async () => {
    const reading = readTraces([kernelLog], { strict: false });
    const events: ReadEvent[] = await all(reading.withRecords);
    const records = events.filter((event) => event.kind === "apparmor");
    expect(records.length).toBe(reading.report().audit.appArmorRecords);
    expect(records.length).toBeGreaterThan(0);
    const lines = records.map((event) => event.pos.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(records[0]).toMatchObject({ verdict: "ALLOWED", operation: "exec", profile: "complain-loop", access: { what: "file", path: "/usr/bin/mktemp" } });
  });

  it("keeps them out of events and batches (the seccomp path sees trace events only)", async () => {
    const events: TraceEvent[] = await all(readTraces([handwritten], { strict: false }).events);
    expect(events.map((event) => event.kind)).not.toContain("apparmor");
    const batches = await all(readTraces([handwritten], { strict: false }).batches);
    expect(batches.flat().map((event) => event.kind)).not.toContain("apparmor");
  });

  it("counts the same records whichever stream is read", async () => {
    const plain = readTraces([handwritten], { strict: false });
    await all(plain.events);
    const withRecords = readTraces([handwritten], { strict: false });
    await all(withRecords.withRecords);
    expect(withRecords.report()).toEqual(plain.report());
  });

  it("notes that the AppArmor commands read the records", async () => {
    const reading = readTraces([handwritten], { strict: false });
    await all(reading.withRecords);
    const { notes } = auditMessages(reading.report());
    expect(notes.join("\n")).toMatch(/AppArmor record\(s\): profilesmith apparmor and verify --apparmor read them/);
    expect(notes.join("\n")).not.toMatch(/not used/);
  });
});
