import type { ReportSection } from "../../report/index.ts";
import { cellKey, type Margin } from "./margins.ts";

/** One level of a margin: the target share beside the sample's shares before and after weighting. */
export interface TargetRow {
  margin: string;
  level: string;
  target: number;
  sample: number | null;
  weighted: number | null;
}

export interface SampleVsTarget {
  rows: TargetRow[];
  /** Per margin: people with no value (or a value outside the margin's levels), left out of its shares. */
  missing: Record<string, number>;
  n: number;
}

/**
 * The "sample vs. target" table: for each margin level, the target share, the sample's share and
 * the weighted share. `people` carry their attribute values and weight (1 when unweighted).
 */
export function sampleVsTarget(
  people: readonly { values: Record<string, string | undefined>; weight: number }[],
  margins: readonly Margin[],
): SampleVsTarget {
  const rows: TargetRow[] = [];
  const missing: Record<string, number> = {};
  for (const m of margins) {
    const index = new Map(m.cells.map((c, i) => [cellKey(c.values), i]));
    const count = new Array<number>(m.cells.length).fill(0);
    const weight = new Array<number>(m.cells.length).fill(0);
    let n = 0;
    let sw = 0;
    missing[m.name] = 0;
    for (const p of people) {
      const values = m.variables.map((v) => p.values[v]);
      const at = values.some((v) => v === undefined) ? undefined : index.get(cellKey(values as string[]));
      if (at === undefined) {
        missing[m.name]++;
        continue;
      }
      count[at]++;
      weight[at] += p.weight;
      n++;
      sw += p.weight;
    }
    m.cells.forEach((c, j) => {
      rows.push({
        margin: m.name,
        level: c.level,
        target: c.share,
        sample: n > 0 ? count[j] / n : null,
        weighted: sw > 0 ? weight[j] / sw : null,
      });
    });
  }
  return { rows, missing, n: people.length };
}

/** A report section with the sample-vs-target table. */
export function sampleVsTargetSection(t: SampleVsTarget, what = "simulated sample"): ReportSection {
  const pct = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(1)}%`);
  const gaps = Object.entries(t.missing).filter(([, k]) => k > 0);
  return {
    heading: "Sample vs. target",
    paragraphs: [
      `Shares of the ${what} (${t.n} people) on each weighting variable, before and after weighting, ` +
        "beside the target margins.",
      ...(gaps.length > 0
        ? [
            `People without a value, left out of a variable's shares: ${gaps.map(([m, k]) => `${m} ${k}`).join(", ")}.`,
          ]
        : []),
    ],
    table: {
      columns: ["variable", "level", "target", "sample", "weighted sample"],
      rows: t.rows.map((r) => [r.margin, r.level, pct(r.target), pct(r.sample), pct(r.weighted)]),
    },
  };
}
