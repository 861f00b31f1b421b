import type { Cell, ReportDoc, ReportSection } from "../../report/index.ts";
import type { CalibrationReport } from "./csv.ts";

/**
 * The HTML report of `calibrate --html`: the PPI++ interval beside the human-only and classic
 * PPI (λ = 1) intervals, per term, with the width relative to human-only.
 */
export function calibrationSections(r: CalibrationReport): ReportSection[] {
  const level = `${Math.round((1 - r.alpha) * 1000) / 10}%`;
  const terms = r.terms ?? [r.estimand === "ate" ? "treated − control" : "mean"];
  const at = (v: number | number[], j: number) => (Array.isArray(v) ? v[j] : v);
  const methods = [
    { name: "PPI++ (calibrated)", b: r },
    { name: "human only", b: r.classical },
    { name: "classic PPI (λ = 1)", b: r.ppi },
  ];
  const rows: Cell[][] = [];
  const data: { label: string; series: string; estimate: number; lower: number; upper: number }[] = [];
  terms.forEach((term, j) => {
    const human = at(r.classical.upper, j) - at(r.classical.lower, j);
    for (const m of methods) {
      const width = at(m.b.upper, j) - at(m.b.lower, j);
      rows.push([
        term,
        m.name,
        at(m.b.estimate, j),
        at(m.b.se, j),
        at(m.b.lower, j),
        at(m.b.upper, j),
        width / human,
      ]);
      data.push({
        label: term,
        series: m.name,
        estimate: at(m.b.estimate, j),
        lower: at(m.b.lower, j),
        upper: at(m.b.upper, j),
      });
    }
  });
  const lambda =
    typeof r.lambda === "number"
      ? `λ = ${r.lambda.toFixed(3)}`
      : `λ treated = ${r.lambda.treated.toFixed(3)}, λ control = ${r.lambda.control.toFixed(3)}`;
  return [
    {
      heading: `Calibrated ${r.estimand}`,
      paragraphs: [
        `${r.n_labeled} people with a human and a simulated answer, ${r.n_unlabeled} with a simulated answer only` +
          `${r.weighted ? `, weighted by ${r.weighted}` : ""}. ${lambda} (the weight PPI++ gives the simulated answers; 0 is human-only).`,
        `PPI++ is a valid ${level} interval for the human ${r.estimand === "ate" ? "effect" : r.estimand}: the human answers ` +
          "measure and remove the simulation's bias. The human-only interval uses the human answers alone.",
        ...r.warnings.map((w) => `Warning: ${w}`),
      ],
      plots: [{ kind: "intervals", title: `Estimates with ${level} intervals`, data }],
      table: {
        columns: ["term", "method", "estimate", "SE", "lower", "upper", "width vs. human-only"],
        rows,
      },
    },
  ];
}

export function calibrationReportDoc(r: CalibrationReport, opts: { title?: string } = {}): ReportDoc {
  return {
    title: opts.title ?? `Calibration (PPI++): ${r.estimand}`,
    subtitle: r.file,
    sections: calibrationSections(r),
  };
}
