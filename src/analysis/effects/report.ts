import type { Cell, ReportDoc, ReportSection } from "../../report/index.ts";
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
  const rows: Cell[][] = res.studies.map((s) => [
    s.study,
    s.human.n_treated + s.human.n_control,
    s.human.d.estimate,
    s.human.d.p,
    s.sim ? s.sim.n_treated + s.sim.n_control : null,
    s.sim?.d.estimate ?? null,
    s.sim?.d.p ?? null,
    s.sign_agree === null ? "—" : s.sign_agree ? "yes" : "no",
    s.significance_agree === null ? "—" : s.significance_agree ? "yes" : "no",
    s.d_difference?.p ?? null,
  ]);
  return [
    {
      heading: "Treatment effects",
      paragraphs: [
        `Effect sizes on the d scale (Cohen's d; binary outcomes: log odds ratio × √3/π) with ${level} intervals.`,
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
          `p ${human}`,
          `n ${sim}`,
          `d ${sim}`,
          `p ${sim}`,
          "sign",
          "significance",
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
