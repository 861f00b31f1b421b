/**
 * Numbers in data files. A numeric cell holds a decimal number ("3", "-0.5", "1e3") or a missing
 * value: empty, "NA", "NaN" (any case) or "." (how R, pandas and Stata write missing). Anything
 * else is not a number, including what JavaScript's Number() would accept: hex ("0x10"),
 * binary ("0b1"), "Infinity" and surrounding text.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING = new Set(["", "na", "nan", "."]);

/** Whether a cell is a missing value (empty, NA, NaN or "."). */
export function isMissingValue(text: string): boolean {
  return MISSING.has(text.trim().toLowerCase());
}

/** The number in a cell; null for a missing value; undefined when the cell is not a number. */
export function parseNumber(text: string): number | null | undefined {
  const t = text.trim();
  if (MISSING.has(t.toLowerCase())) return null;
  if (!DECIMAL.test(t)) return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}
