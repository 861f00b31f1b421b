/** Distances between two answer distributions of one item (human vs. simulated). */

/** Relative frequency of each answer. */
export function shares(values: readonly (string | number)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  for (const [k, c] of counts) counts.set(k, c / values.length);
  return counts;
}

function entropyOf(p: Iterable<number>): number {
  let h = 0;
  for (const x of p) if (x > 0) h -= x * Math.log2(x);
  return h;
}

/** Shannon entropy in bits of the answers' distribution; NaN for no answers. */
export function entropy(values: readonly (string | number)[]): number {
  return values.length === 0 ? Number.NaN : entropyOf(shares(values).values());
}

/** Jensen–Shannon divergence (log base 2, so it lies in [0, 1]); NaN if either side is empty. */
export function jensenShannon(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const p = shares(a);
  const q = shares(b);
  const keys = new Set([...p.keys(), ...q.keys()]);
  const m: number[] = [];
  for (const k of keys) m.push(((p.get(k) ?? 0) + (q.get(k) ?? 0)) / 2);
  const js = entropyOf(m) - (entropyOf(p.values()) + entropyOf(q.values())) / 2;
  // Rounding can leave a tiny negative for identical distributions.
  return Math.max(0, js);
}

/** Total variation distance ½ Σ |p − q|; NaN if either side is empty. */
export function totalVariation(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const p = shares(a);
  const q = shares(b);
  let s = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) s += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return s / 2;
}

/**
 * 1-Wasserstein distance between two empirical distributions: ∫ |F(x) − G(x)| dx, walking the
 * merged sorted support. NaN if either side is empty.
 */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let prev = Math.min(x[0], y[0]);
  let total = 0;
  while (i < x.length || j < y.length) {
    const next = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    total += Math.abs(i / x.length - j / y.length) * (next - prev);
    while (i < x.length && x[i] === next) i++;
    while (j < y.length && y[j] === next) j++;
    prev = next;
  }
  return total;
}
