import type { Cell, PlotSpec, ReportDoc } from "../../report/index.ts";
import type { CalibrationReport } from "./csv.ts";

/** The methods of a calibration, in the order they are shown. */
const METHODS = [
  ["PPI++ (calibrated)", "ppi_plus_plus"],
  ["human only", "classical"],
  ["classic PPI (λ = 1)", "ppi"],
] as const;

/**
 * The page of one `calibrate` run: per term, the PPI++ interval beside the human-only and the
 * classic PPI ones, with each width relative to human-only.
 */
export function calibrationReportDoc(r: CalibrationReport, opts: { title?: string } = {}): ReportDoc {
  const level = `${Math.round((1 - r.alpha) * 1000) / 10}%`;
  const terms = r.terms ?? [r.estimand === "ate" ? "treated − control" : "mean"];
  const at = (v: number | number[], j: number) => (Array.isArray(v) ? v[j] : v);
  const bounds = (method: (typeof METHODS)[number][1]) => (method === "ppi_plus_plus" ? r : r[method]);
  const rows: Cell[][] = [];
  const plots: PlotSpec[] = [];
  terms.forEach((term, j) => {
    const humanWidth = at(r.classical.upper, j) - at(r.classical.lower, j);
    for (const [name, method] of METHODS) {
      const b = bounds(method);
      const width = at(b.upper, j) - at(b.lower, j);
      rows.push([
        term,
        name,
        at(b.estimate, j),
        at(b.se, j),
        at(b.lower, j),
        at(b.upper, j),
        width / humanWidth,
      ]);
    }
    plots.push({
      kind: "intervals",
      title: `${term}: ${level} intervals`,
      ...(r.estimand === "ate" ? { rule: 0 } : {}),
      data: METHODS.map(([name, method]) => {
        const b = bounds(method);
        return { label: name, estimate: at(b.estimate, j), lower: at(b.lower, j), upper: at(b.upper, j) };
      }),
    });
  });
  const lambda =
    typeof r.lambda === "number"
      ? `λ = ${r.lambda.toFixed(3)}${r.lambda_estimate !== undefined ? ` (point estimate λ = ${r.lambda_estimate.toFixed(3)})` : ""}`
      : `λ treated = ${r.lambda.treated.toFixed(3)}, λ control = ${r.lambda.control.toFixed(3)}`;
  return {
    title: opts.title ?? `Calibration (${r.estimand}) of ${r.file}`,
    subtitle: `${r.n_labeled} people with a human and a simulated answer · ${r.n_unlabeled} simulated only`,
    notes:
      r.converged === false
        ? ["The logistic fit did not converge (separation?): treat these numbers with care."]
        : undefined,
    sections: [
      {
        heading: "Estimates",
        paragraphs: [
          `${lambda}${r.tuned_for ? `, tuned for ${r.tuned_for}` : ""}; ${level} normal intervals.` +
            (r.n_excluded ? ` ${r.n_excluded} rows in other arms are left out.` : ""),
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
            term: "width vs. human only",
            meaning:
              "the interval's width divided by the human-only one: below 1, the simulated answers narrowed it.",
          },
        ],
        plots,
        table: {
          columns: [
            "term",
            "method",
            "estimate",
            "SE",
            `${level} lower`,
            `${level} upper`,
            "width vs. human only",
          ],
          rows,
        },
      },
    ],
  };
}
