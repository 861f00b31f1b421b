import { formatP, type ReportDoc, type ReportSection } from "../../report/index.ts";
import type { RegressionResult } from "./recover.ts";

/** Report section: coefficients with CIs, human vs. simulated, and the comparison table. */
export function regressionSections(res: RegressionResult): ReportSection[] {
  const { human, sim } = res.labels;
  const level = `${Math.round((1 - res.alpha) * 100)}%`;
  const fmt = (v: number | null) => (v === null ? "—" : v.toFixed(3));
  return [
    {
      heading: `Regression recovery: ${res.outcome}`,
      paragraphs: [
        `${res.model === "ols" ? `OLS with ${res.robust} standard errors` : `Logistic regression (${res.robust === "none" ? "model" : res.robust} SEs)`}; ` +
          `n = ${res.n.human} ${human}, ${res.n.sim} ${sim} complete rows.`,
        `Over the ${res.coefficients.length - 1} slope${res.coefficients.length === 2 ? "" : "s"}: share with the same sign ${fmt(res.summary.sign_agreement)}, ` +
          `share whose ${level} CIs overlap ${fmt(res.summary.ci_overlap)}, correlation of coefficients ` +
          `${res.summary.r_coefficients === null ? "— (it needs at least 3 slopes)" : fmt(res.summary.r_coefficients)}.`,
        ...res.warnings.map((w) => `Warning: ${w}`),
      ],
      plots: [
        {
          kind: "intervals",
          title: `Coefficients with ${level} CIs`,
          rule: 0,
          data: res.coefficients.slice(1).flatMap((c) => [
            {
              label: c.term,
              series: human,
              estimate: c.human.coef,
              lower: c.human.lower,
              upper: c.human.upper,
            },
            { label: c.term, series: sim, estimate: c.sim.coef, lower: c.sim.lower, upper: c.sim.upper },
          ]),
        },
      ],
      table: {
        columns: [
          "term",
          `${human} coef`,
          `${human} SE`,
          `${sim} coef`,
          `${sim} SE`,
          "same sign",
          `ratio ${sim} ÷ ${human}`,
          "CIs overlap",
          "z (difference)",
          "p (difference)",
        ],
        rows: res.coefficients.map((c) => [
          c.term,
          c.human.coef,
          c.human.se,
          c.sim.coef,
          c.sim.se,
          c.sign_agree === null ? "—" : c.sign_agree ? "yes" : "no",
          c.ratio,
          c.ci_overlap === null ? "—" : c.ci_overlap ? "yes" : "no",
          c.z_difference,
          formatP(c.p_difference),
        ]),
      },
    },
  ];
}

export function regressionReport(
  res: RegressionResult,
  opts: { title?: string; notes?: string[] } = {},
): ReportDoc {
  return {
    title: opts.title ?? `Regression recovery: ${res.labels.human} vs. ${res.labels.sim}`,
    subtitle: `${res.outcome} · ${res.model}`,
    notes: opts.notes,
    sections: regressionSections(res),
  };
}
