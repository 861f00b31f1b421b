import type { ReportDoc, ReportSection } from "../../report/index.ts";
import { designDiagnosticsSection } from "../designs/index.ts";
import type { DemandCurve } from "./curve.ts";
import type { DemandStudy } from "./study.ts";

const f3 = (v: number) => v.toFixed(3);
const slopeText = (c: DemandCurve) => `${f3(c.slope.estimate)} [${f3(c.slope.lower)}, ${f3(c.slope.upper)}]`;
/** "yes (p …)", or "no (p …): rises most from A to B". */
export function monotoneText(c: DemandCurve): string {
  const m = c.monotone;
  if (m.decreasing) return `yes (p ${f3(m.p)})`;
  const w = m.worst;
  return `no (p ${f3(m.p)})${w ? `: rises most from ${w.lower_price} to ${w.higher_price} (+${f3(w.rise)})` : ""}`;
}

/**
 * The side-by-side report of a demand study: the curves of every design mode (and the human
 * one), their slopes and monotonicity, and each mode's design diagnostics.
 */
export function demandSections(
  study: DemandStudy,
  opts: { heldFixed?: string[]; humanLabel?: string } = {},
): ReportSection[] {
  const level = `${Math.round((1 - study.alpha) * 100)}%`;
  const human = opts.humanLabel ?? "human";
  const curves: [string, DemandCurve][] = study.modes.map((m) => [m.mode, m.curve]);
  if (study.human) curves.push([human, study.human]);
  const sections: ReportSection[] = [
    {
      heading: "Demand curves by design mode",
      paragraphs: [
        `Share buying at each price with ${level} CIs (Wilson for purchases, t for aggregate predictions). ` +
          "The slope is OLS of the purchase on the price (SEs clustered by person when people answer at several prices). " +
          "Monotone: the shares' weighted distance from their best non-increasing fit, with a p-value from a seeded parametric " +
          "bootstrap around that fit; it rejects when the curve rises somewhere, as an inverted U does.",
      ],
      plots: [
        {
          kind: "lines",
          title: "Share buying by price",
          xLabel: "price",
          valueLabel: "share buying",
          domain: [0, 1],
          data: curves.flatMap(([series, c]) =>
            c.points.map((p) => ({ x: p.price, y: p.share, lower: p.lower, upper: p.upper, series })),
          ),
        },
      ],
      table: {
        columns: ["mode", "people", `slope [${level} CI]`, "sign", "monotone (never rises)", "peak price"],
        rows: curves.map(([series, c]) => [
          series,
          series === human ? null : (study.modes.find((m) => m.mode === series)?.n_people ?? null),
          slopeText(c),
          c.sign,
          monotoneText(c),
          c.peak_price,
        ]),
      },
    },
  ];
  if (study.versus_human.length > 0) {
    sections.push({
      heading: "Against human demand",
      table: {
        columns: ["mode", "slope − human slope", "p (difference)", "same sign", "mean |share difference|"],
        rows: study.versus_human.map((v) => [
          v.mode,
          v.slope_difference.estimate,
          v.slope_difference.p,
          v.same_sign ? "yes" : "no",
          v.mean_abs_share_difference,
        ]),
      },
    });
  }
  const diagnostics = designDiagnosticsSection(study.modes, {
    alpha: study.alpha,
    treatment: "price",
    heldFixed: opts.heldFixed,
  });
  if (diagnostics) sections.push(diagnostics);
  return sections;
}

export function demandReport(
  study: DemandStudy,
  opts: { title?: string; notes?: string[]; heldFixed?: string[]; humanLabel?: string } = {},
): ReportDoc {
  return {
    title: opts.title ?? "Demand study: design modes side by side",
    subtitle: study.modes.map((m) => m.mode).join(" · "),
    notes: opts.notes,
    sections: demandSections(study, opts),
  };
}
