/**
 * Socket addresses as strace prints them for bind/connect:
 * `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}`,
 * `{sa_family=AF_INET6, sin6_port=htons(9), …, inet_pton(AF_INET6, "::1", &sin6_addr), …}`,
 * `{sa_family=AF_UNIX, sun_path="/run/x.sock"}` (`@"…"` abstract), and under
 * `-X raw` `{sa_family=0x2, sin_port="\x00\x09", sin_addr="\x7f\x00\x00\x01"}`.
 */
import type { SocketAddress } from "../events/types.js";
import { ADDRESS_FAMILIES, AF_INET, AF_INET6, AF_UNIX } from "./constants.js";
import { parseCString, parseCStringBytes } from "./cstring.js";
import { evalNumeric } from "./expr.js";
import { splitArgs } from "./scan.js";

/** The length of the name a struct field starts with before its `=` (`[A-Za-z_][A-Za-z0-9_]*`), or 0 when it has none. */
function fieldNameLength(field: string): number {
  let i = 0;
  for (; i < field.length; i++) {
    const c = field.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!letter && !(i > 0 && c >= 0x30 && c <= 0x39)) break;
  }
  return i > 0 && field.charCodeAt(i) === 0x3d ? i : 0;
}

/** The fields of a `{k=v, …}` struct by name; unnamed fields under their text. */
export function structFields(text: string): Map<string, string> | undefined {
  if (!text.startsWith("{") || !text.endsWith("}")) return undefined;
  const fields = new Map<string, string>();
  for (const field of splitArgs(text.slice(1, -1))) {
    const name = fieldNameLength(field);
    if (name > 0) fields.set(field.slice(0, name), field.slice(name + 1));
    else fields.set(field, field);
  }
  return fields;
}

function bigEndian(bytes: Uint8Array): number {
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const htons = /^htons\((\d+)\)$/.exec(text);
  if (htons) return Number(htons[1]);
  const bytes = parseCStringBytes(text);
  return bytes?.length === 2 ? bigEndian(bytes) : undefined;
}

/** RFC 5952 text of an IPv6 address: lowercase, the longest run of zero groups as `::`. */
function ipv6Text(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > best.length && end - i >= 2) best = { start: i, length: end - i };
    i = end > i ? end : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

function inetAddress(fields: Map<string, string>): string | undefined {
  const text = fields.get("sin_addr");
  if (text === undefined) return undefined;
  const symbolic = /^inet_addr\((".*")\)$/.exec(text);
  if (symbolic) return parseCString(symbolic[1] as string);
  const bytes = parseCStringBytes(text);
  return bytes?.length === 4 ? bytes.join(".") : undefined;
}

function inet6Address(fields: Map<string, string>): string | undefined {
  for (const [name, text] of fields) {
    const symbolic = /^inet_pton\(AF_INET6, (".*"), &sin6_addr\)$/.exec(name);
    if (symbolic) return parseCString(symbolic[1] as string);
    if (name === "sin6_addr") {
      const bytes = parseCStringBytes(text);
      return bytes?.length === 16 ? ipv6Text(bytes) : undefined;
    }
  }
  return undefined;
}

function unixPath(fields: Map<string, string>): string | undefined {
  const text = fields.get("sun_path");
  if (text === undefined) return undefined;
  if (!text.startsWith("@")) return parseCString(text);
  const name = parseCString(text.slice(1));
  return name === undefined ? undefined : `@${name}`;
}

/** The address a sockaddr argument shows, or undefined when it is not a decoded struct. */
export function parseSockaddr(text: string): SocketAddress | undefined {
  const fields = structFields(text);
  const familyText = fields?.get("sa_family");
  if (!fields || familyText === undefined) return undefined;
  const family = evalNumeric(familyText, ADDRESS_FAMILIES);
  if (family === undefined) return undefined;
  switch (family) {
    case AF_INET:
      return { family, address: inetAddress(fields), port: port(fields.get("sin_port")) };
    case AF_INET6:
      return { family, address: inet6Address(fields), port: port(fields.get("sin6_port")) };
    case AF_UNIX:
      return { family, address: unixPath(fields), port: undefined };
    default:
      return { family, address: undefined, port: undefined };
  }
}
