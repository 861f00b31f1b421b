import type { ReportDoc, ReportSection } from "../../report/index.ts";
import { focalismNote } from "../designs/index.ts";
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
  const probed = study.modes.filter((m) => m.probe !== null);
  const unprobed = study.modes.filter((m) => m.probe === null).map((m) => m.mode);
  const paragraphs = probed.map((m) =>
    m.probe!.moved.length > 0
      ? `${m.mode}: the price moves ${m.probe!.moved.join(", ")} — the treatment is confounded with what the prompt leaves unsaid.`
      : `${m.mode}: no probe variable moves with the price (F-test at alpha = ${study.alpha}).`,
  );
  if (unprobed.length > 0)
    paragraphs.push(
      `Not probed: ${unprobed.join(", ")} (the aggregate mode predicts a whole experiment, with no arm per person).`,
    );
  const note = focalismNote(opts.heldFixed ?? []);
  if (note) paragraphs.push(note);
  if (probed.length > 0 || note) {
    const variables = [...new Set(probed.flatMap((m) => m.probe!.variables.map((v) => v.variable)))];
    sections.push({
      heading: "Design diagnostics",
      paragraphs: [
        "Each probe variable (asked before the purchase, in every arm) regressed on the price; a one-way F-test across arms flags a variable that moves with the price in any shape.",
        ...paragraphs,
      ],
      plots: variables.map((variable) => ({
        kind: "lines" as const,
        title: `${variable}: mean stated value by price, with ${level} CIs`,
        xLabel: "price",
        valueLabel: variable,
        data: probed.flatMap((m) =>
          (m.probe!.variables.find((v) => v.variable === variable)?.arms ?? []).map((a) => ({
            x: a.treatment,
            y: a.mean,
            lower: a.lower,
            upper: a.upper,
            series: m.mode,
          })),
        ),
      })),
      table: {
        columns: [
          "mode",
          "variable",
          "n",
          `slope per unit price [${level} CI]`,
          "F",
          "p",
          "moves with the price",
        ],
        rows: probed.flatMap((m) =>
          m.probe!.variables.map((v) => [
            m.mode,
            v.variable,
            v.n,
            v.slope ? `${f3(v.slope.estimate)} [${f3(v.slope.lower)}, ${f3(v.slope.upper)}]` : "—",
            v.f_test?.F ?? null,
            v.f_test?.p ?? null,
            v.moved ? "FLAGGED" : "no",
          ]),
        ),
      },
    });
  }
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
