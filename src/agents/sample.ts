import { UserError } from "../errors/index.ts";
import { labelKey } from "../instruments/gss/index.ts";
import { createRng } from "../random/index.ts";

/**
 * n items drawn without replacement with a seeded RNG, returned in source order (so the same
 * seed gives the same agents in the same order). Without n, all items.
 */
export function seededSample<T>(
  items: readonly T[],
  n: number | undefined,
  seed: number | string,
  what: string,
): T[] {
  if (n === undefined) return items.slice();
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`n must be a positive whole number, got ${n}`, { where: "n" });
  if (n > items.length) {
    throw new UserError(`asked for ${n} agents but only ${items.length} ${what} are available`, {
      where: "n",
    });
  }
  const indices = createRng(seed).sample(
    items.map((_, i) => i),
    n,
  );
  return indices.sort((a, b) => a - b).map((i) => items[i]);
}

/** Whether a value is one of the allowed ones, ignoring case, punctuation and spacing. */
export function valueAllowed(value: string | undefined, allowed: readonly string[]): boolean {
  if (value === undefined) return false;
  const key = labelKey(value);
  return allowed.some((a) => labelKey(a) === key);
}
