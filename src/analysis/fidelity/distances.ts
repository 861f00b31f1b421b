/**
 * Distances between two answer distributions of one item (human vs. simulated). Each takes
 * optional weights (one per value, e.g. the person's survey weight); without them every value
 * counts once.
 */

type Values = readonly (string | number)[];
type Weights = readonly number[] | undefined;

/** Relative frequency (weighted share) of each answer. */
export function shares(values: Values, weights?: Weights): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  values.forEach((v, i) => {
    const w = weights ? weights[i] : 1;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + w);
    total += w;
  });
  for (const [k, c] of counts) counts.set(k, c / total);
  return counts;
}

function entropyOf(p: Iterable<number>): number {
  let h = 0;
  for (const x of p) if (x > 0) h -= x * Math.log2(x);
  return h;
}

/** Shannon entropy in bits of the answers' distribution; NaN for no answers. */
export function entropy(values: Values, weights?: Weights): number {
  return values.length === 0 ? Number.NaN : entropyOf(shares(values, weights).values());
}

/** Jensen–Shannon divergence (log base 2, so it lies in [0, 1]); NaN if either side is empty. */
export function jensenShannon(a: Values, b: Values, wa?: Weights, wb?: Weights): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const p = shares(a, wa);
  const q = shares(b, wb);
  const keys = new Set([...p.keys(), ...q.keys()]);
  const m: number[] = [];
  for (const k of keys) m.push(((p.get(k) ?? 0) + (q.get(k) ?? 0)) / 2);
  const js = entropyOf(m) - (entropyOf(p.values()) + entropyOf(q.values())) / 2;
  // Rounding can leave a tiny negative for identical distributions.
  return Math.max(0, js);
}

/** Total variation distance ½ Σ |p − q|; NaN if either side is empty. */
export function totalVariation(a: Values, b: Values, wa?: Weights, wb?: Weights): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const p = shares(a, wa);
  const q = shares(b, wb);
  let s = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) s += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return s / 2;
}

/** Sorted values with their cumulative share of the total weight. */
function ecdf(values: readonly number[], weights: Weights): { x: number[]; cum: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const total = weights ? weights.reduce((a, w) => a + w, 0) : values.length;
  const x: number[] = [];
  const cum: number[] = [];
  let c = 0;
  for (const i of order) {
    c += (weights ? weights[i] : 1) / total;
    if (x.length > 0 && x[x.length - 1] === values[i]) cum[cum.length - 1] = c;
    else {
      x.push(values[i]);
      cum.push(c);
    }
  }
  return { x, cum };
}

/**
 * 1-Wasserstein distance between two empirical distributions: ∫ |F(x) − G(x)| dx, walking the
 * merged sorted support. NaN if either side is empty.
 */
export function wasserstein1(a: readonly number[], b: readonly number[], wa?: Weights, wb?: Weights): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const f = ecdf(a, wa);
  const g = ecdf(b, wb);
  let i = 0;
  let j = 0;
  let fa = 0;
  let gb = 0;
  let prev = Math.min(f.x[0], g.x[0]);
  let total = 0;
  while (i < f.x.length || j < g.x.length) {
    const next = j >= g.x.length || (i < f.x.length && f.x[i] <= g.x[j]) ? f.x[i] : g.x[j];
    total += Math.abs(fa - gb) * (next - prev);
    if (i < f.x.length && f.x[i] === next) fa = f.cum[i++];
    if (j < g.x.length && g.x[j] === next) gb = g.cum[j++];
    prev = next;
  }
  return total;
}
