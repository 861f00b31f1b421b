import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { mean, normalQuantile, type SlopeEstimate, slopeOf, tQuantile } from "../stats/index.ts";
import { type MonotoneTest, monotoneTest } from "./monotone.ts";

/** A purchase decision at a price: bought 1/0, or a predicted share of buyers (0–1, aggregate mode). */
export interface Purchase {
  price: number;
  bought: number;
  person?: string;
}

export interface DemandPoint {
  price: number;
  n: number;
  share: number;
  /** Wilson interval for 0/1 purchases; a t interval of the mean for predicted shares. */
  lower: number;
  upper: number;
  se: number;
}

export interface DemandCurve {
  points: DemandPoint[];
  /** OLS of the purchase on the price: the change in the share buying per unit of price. */
  slope: SlopeEstimate;
  /** negative / positive when the slope's CI excludes 0; none otherwise. */
  sign: "negative" | "positive" | "none";
  /** Does the share never rise with the price? See monotoneTest. */
  monotone: MonotoneTest;
  /** The price with the highest share (an inverted U peaks inside the grid). */
  peak_price: number;
}

function wilson(k: number, n: number, z: number): [number, number] {
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** Purchase share per price with CIs, the slope, its sign, and a test that the curve never rises. */
export function demandCurve(purchases: readonly Purchase[], opts: { alpha?: number } = {}): DemandCurve {
  const alpha = opts.alpha ?? 0.05;
  const z = normalQuantile(1 - alpha / 2);
  purchases.forEach((p, i) => {
    if (!Number.isFinite(p.price) || !(p.bought >= 0 && p.bought <= 1))
      throw new UserError(`purchase ${i + 1}: price ${p.price}, bought ${p.bought} (bought must be 0–1)`);
  });
  const byPrice = new Map<number, number[]>();
  for (const p of purchases) {
    if (!byPrice.has(p.price)) byPrice.set(p.price, []);
    byPrice.get(p.price)!.push(p.bought);
  }
  if (byPrice.size < 2)
    throw new UserError(`a demand curve needs purchases at 2 or more prices, got ${byPrice.size}`);
  const points = [...byPrice]
    .sort((a, b) => a[0] - b[0])
    .map(([price, v]): DemandPoint => {
      const n = v.length;
      const share = mean(v);
      if (v.every((x) => x === 0 || x === 1)) {
        const [lower, upper] = wilson(share * n, n, z);
        return { price, n, share, lower, upper, se: Math.sqrt((share * (1 - share)) / n) };
      }
      const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - share) ** 2, 0) / (n - 1)) : 0;
      const se = sd / Math.sqrt(n);
      const half = n > 1 ? tQuantile(1 - alpha / 2, n - 1) * se : 0;
      return { price, n, share, lower: Math.max(0, share - half), upper: Math.min(1, share + half), se };
    });
  const slope = slopeOf(
    purchases.map((p) => p.price),
    purchases.map((p) => p.bought),
    purchases.map((p) => p.person),
    alpha,
  );
  const binary = purchases.every((p) => p.bought === 0 || p.bought === 1);
  const monotone = monotoneTest(points, { alpha, binary });
  const peak = points.reduce((a, p) => (p.share > a.share ? p : a), points[0]);
  return {
    points,
    slope,
    sign: slope.upper < 0 ? "negative" : slope.lower > 0 ? "positive" : "none",
    monotone,
    peak_price: peak.price,
  };
}

/** Human purchases from a CSV with columns price and bought (0/1); person_id optional. */
export function readPurchases(path: string): Purchase[] {
  const t = readCsv(path);
  const [pi, bi, qi] = ["price", "bought", "person_id"].map((c) => t.header.indexOf(c));
  if (pi < 0 || bi < 0)
    throw new UserError(`needs columns price and bought (columns: ${t.header.join(", ")})`, {
      where: `${path}:1`,
    });
  return t.rows.map((row, i) => {
    const at = (c: number) => `${path}:${t.lines[i]}, column ${t.header[c]}`;
    const price = Number(row[pi]);
    if (row[pi].trim() === "" || !Number.isFinite(price))
      throw new UserError(`"${row[pi]}" is not a price`, { where: at(pi) });
    const b = row[bi].trim().toLowerCase();
    const bought =
      b === "1" || b === "yes" || b === "true"
        ? 1
        : b === "0" || b === "no" || b === "false"
          ? 0
          : Number.NaN;
    if (Number.isNaN(bought)) throw new UserError(`"${row[bi]}" is not 1/0 (or yes/no)`, { where: at(bi) });
    return qi >= 0 && row[qi].trim() !== "" ? { price, bought, person: row[qi].trim() } : { price, bought };
  });
}
