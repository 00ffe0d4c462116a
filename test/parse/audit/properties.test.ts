/**
 * Laws of the audit log reader: it never throws; how the input is cut into
 * chunks does not change the events; content detection tells audit logs from
 * strace logs.
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AuditEvent } from "../../../src/events/types.js";
import { looksLikeAuditLog, parseAudit, parseAuditText } from "../../../src/parse/audit/index.js";

const AUDIT_DIR = new URL("../../fixtures/audit/", import.meta.url);
const STRACE_DIR = new URL("../../fixtures/strace/", import.meta.url);

function filesOf(dir: URL, suffixes: readonly string[]): string[] {
  return readdirSync(dir)
    .filter((name) => suffixes.some((suffix) => name.endsWith(suffix)))
    .sort()
    .map((name) => readFileSync(new URL(name, dir), "utf8"));
}

const AUDIT_LOGS = filesOf(AUDIT_DIR, [".log", ".txt"]);
const ALL_AUDIT = AUDIT_LOGS.join("");

async function collect(input: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  for await (const event of input) all.push(event);
  return all;
}

async function* chunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

describe("the reader never throws", () => {
  test("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        parseAuditText(text, { file: "t" });
        looksLikeAuditLog(text);
      }),
      { numRuns: 1000 },
    );
  });

  test("on audit-like token soup and spliced real records, with any filter", () => {
    const token = fc.constantFrom(
      "type=", "SECCOMP", "1326", "1400", "AVC", "APPARMOR_DENIED", " msg=audit(", "1.2:3", "): ", "audit: ", "[ 1.0] ",
      "arch=", "c000003e", "40000003", "syscall=", "1073741825", "-1", "pid=", "comm=", '"', "=", " ", "\x1d", "\r", "\n",
      'apparmor="', "ALLOWED", "DENIED", "operation=", "name=", "2F746D70", "F", "requested_mask=", "capability=",
      "capname=", "family=", "signal=", "peer=", "class=", "kauditd_printk_skb: 9 callbacks suppressed", "(", ")",
    );
    const soup = fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(""));
    const spliced = fc
      .tuple(fc.nat(ALL_AUDIT.length), fc.nat(ALL_AUDIT.length), fc.nat(ALL_AUDIT.length))
      .map(([a, b, c]) => ALL_AUDIT.slice(0, a % 2000) + ALL_AUDIT.slice(Math.min(b, c), Math.min(Math.max(b, c), Math.min(b, c) + 2000)));
    const filter = fc.record(
      { comm: fc.array(fc.string()), exe: fc.array(fc.string()), pid: fc.array(fc.integer()), profile: fc.array(fc.string()) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(soup, spliced), filter, (text, only) => {
        for (const event of parseAuditText(text, { file: "t", filter: only })) expect(event.pos.line).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("chunking does not change the events", () => {
  test("cut anywhere, even inside UTF-8 sequences and CRLF", async () => {
    const text = `${ALL_AUDIT}type=AVC msg=audit(1.2:3): apparmor="ALLOWED" operation="open" profile="é" name="/tmp/ü €" pid=1 comm="x" requested_mask="r"\r\nno newline at the end`;
    const bytes = Buffer.from(text, "utf8");
    const whole = parseAuditText(text, { file: "f" });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { maxLength: 30 }), async (cuts) => {
        expect(await collect(parseAudit(chunks(bytes, cuts), { file: "f" }))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  test("string chunks give the same events as byte chunks", async () => {
    const whole = parseAuditText(ALL_AUDIT, { file: "f" });
    async function* halves(): AsyncGenerator<string> {
      yield ALL_AUDIT.slice(0, 1001);
      yield ALL_AUDIT.slice(1001);
    }
    expect(await collect(parseAudit(halves(), { file: "f" }))).toEqual(whole);
  });
});

describe("content detection", () => {
  test("every audit fixture looks like an audit log, from its first 4 KiB", () => {
    for (const text of AUDIT_LOGS) expect(looksLikeAuditLog(text.slice(0, 4096))).toBe(true);
  });

  test("no strace fixture does", () => {
    const traces = filesOf(STRACE_DIR, [".trace"]);
    expect(traces.length).toBeGreaterThan(10);
    for (const text of traces) expect(looksLikeAuditLog(text.slice(0, 64 * 1024))).toBe(false);
  });

  test("nor does text that merely mentions a record, nor an empty input", () => {
    expect(looksLikeAuditLog("")).toBe(false);
    expect(looksLikeAuditLog('1234 write(1, "type=1326 audit(1.2:3): arch=c000003e syscall=1", 40) = 40\n')).toBe(false);
    expect(looksLikeAuditLog("content-type=text/html charset=utf8\n")).toBe(false);
    expect(looksLikeAuditLog("[    0.1] Linux version 6.1\n[    0.2] audit: initializing netlink subsys (disabled)\n")).toBe(false);
  });
});
