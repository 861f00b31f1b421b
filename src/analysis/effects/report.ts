import { type Cell, formatP, type ReportDoc, type ReportSection } from "../../report/index.ts";
import type { EffectsResult } from "./replicate.ts";

/** Report sections for an effects comparison: d with CIs per study, and human vs. simulated d. */
export function effectsSections(res: EffectsResult): ReportSection[] {
  const { human, sim } = res.labels;
  const level = `${Math.round((1 - res.alpha) * 100)}%`;
  const intervals = res.studies.flatMap((s) => {
    const rows = [{ label: s.study, series: human, ...s.human.d }];
    if (s.sim) rows.push({ label: s.study, series: sim, ...s.sim.d });
    return rows.map((r) => ({
      label: r.label,
      series: r.series,
      estimate: r.estimate,
      lower: r.lower,
      upper: r.upper,
    }));
  });
  const compared = res.studies.filter(
    (s) => s.sim && s.human.d.estimate !== null && s.sim.d.estimate !== null,
  );
  const sm = res.summary;
  const fmt = (v: number | null) => (v === null ? "—" : v.toFixed(3));
  const interval = (e: { lower: number | null; upper: number | null }) =>
    e.lower === null || e.upper === null ? "—" : `[${fmt(e.lower)}, ${fmt(e.upper)}]`;
  const rows: Cell[][] = res.studies.map((s) => [
    s.study,
    s.human.n_treated + s.human.n_control,
    s.human.d.estimate,
    interval(s.human.d),
    formatP(s.human.d.p),
    s.sim ? s.sim.n_treated + s.sim.n_control : null,
    s.sim?.d.estimate ?? null,
    s.sim ? interval(s.sim.d) : null,
    formatP(s.sim?.d.p),
    s.sign_agree === null ? "—" : s.sign_agree ? "yes" : "no",
    s.significance_agree === null ? "—" : s.significance_agree ? "yes" : "no",
    formatP(s.d_difference?.p),
  ]);
  return [
    {
      heading: "Treatment effects",
      paragraphs: [
        `Effect sizes on the d scale (Cohen's d: the difference between treated and control in standard deviations; ` +
          `binary outcomes: the log odds ratio × √3/π, on the same scale) with ${level} intervals.`,
        `Sign agreement ${fmt(sm.sign_agreement)}, significance agreement ${fmt(sm.significance_agreement)} ` +
          `over ${sm.n_compared} studies; correlation of effect sizes r = ${fmt(sm.r_effect_sizes)}.`,
      ],
      plots: [
        {
          kind: "intervals",
          title: `Effect sizes (d) with ${level} CIs`,
          rule: 0,
          valueLabel: "d",
          data: intervals,
        },
        ...(compared.length > 0
          ? [
              {
                kind: "scatter" as const,
                title: `${human} vs. ${sim} effect sizes`,
                caption:
                  "Dashed line: equal effects. Hover a point for its study; the table above lists every study.",
                xLabel: `${human} d`,
                yLabel: `${sim} d`,
                diagonal: true,
                data: compared.map((s) => ({
                  x: s.human.d.estimate!,
                  y: s.sim!.d.estimate!,
                  label: s.study,
                })),
              },
            ]
          : []),
      ],
      table: {
        columns: [
          "study",
          `n ${human}`,
          `d ${human}`,
          `${level} CI ${human}`,
          `p ${human}`,
          `n ${sim}`,
          `d ${sim}`,
          `${level} CI ${sim}`,
          `p ${sim}`,
          "same sign",
          "both or neither significant",
          "p (difference)",
        ],
        rows,
      },
    },
  ];
}

export function effectsReport(
  res: EffectsResult,
  opts: { title?: string; notes?: string[] } = {},
): ReportDoc {
  return {
    title: opts.title ?? "Treatment effects: human vs. simulated",
    subtitle: `${res.summary.n_studies} studies`,
    notes: opts.notes,
    sections: effectsSections(res),
  };
}
