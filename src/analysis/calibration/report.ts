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
      glossary: [
        {
          term: "PPI++ (prediction-powered inference)",
          meaning:
            "the people with both a human and a simulated answer measure the simulator's bias, which is removed from the many simulated-only answers; λ weighs the simulated answers, tuned so the interval is as narrow as the data allow (0 = human only).",
        },
        { term: "human only", meaning: "the classical interval from the human answers alone." },
        {
          term: "classic PPI",
          meaning: "the same correction with λ = 1: every simulated answer counts fully.",
        },
        {
          term: "width vs. human-only",
          meaning:
            "the interval's width divided by the human-only one: below 1, the simulated answers narrowed it.",
        },
      ],
      // One plot per term: coefficients have their own scales.
      plots: terms.map((term) => ({
        kind: "intervals" as const,
        title: `${term}: ${level} intervals`,
        ...(r.estimand === "ate" ? { rule: 0 } : {}),
        data: data.filter((d) => d.label === term).map((d) => ({ ...d, label: d.series })),
      })),
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
