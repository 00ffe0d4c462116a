/** Code-unit order for strings: the same on every machine and locale, so output is byte-identical. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
