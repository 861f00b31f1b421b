import type { ReportSection } from "../../report/index.ts";
import { focalismNote, type ProbeResult } from "./probe.ts";

const f3 = (v: number) => v.toFixed(3);

export interface ModeDiagnostics {
  mode: string;
  /** Null when the mode was not probed (the aggregate mode never is). */
  probe: ProbeResult | null;
}

/**
 * The "Design diagnostics" section: each probe variable per mode regressed on the treatment, its
 * F-test across arms and whether it moves with the treatment; the focalism note when covariates
 * were written into the prompt. Null when there is neither a probe nor a covariate held fixed.
 */
export function designDiagnosticsSection(
  modes: readonly ModeDiagnostics[],
  opts: { alpha: number; treatment: string; heldFixed?: readonly string[] },
): ReportSection | null {
  const level = `${Math.round((1 - opts.alpha) * 100)}%`;
  const probed = modes.filter((m) => m.probe !== null);
  const unprobed = modes.filter((m) => m.probe === null).map((m) => m.mode);
  const paragraphs = probed.map((m) =>
    m.probe!.moved.length > 0
      ? `${m.mode}: the ${opts.treatment} moves ${m.probe!.moved.join(", ")} — the treatment is confounded with what the prompt leaves unsaid.`
      : `${m.mode}: no probe variable moves with the ${opts.treatment} (F-test at alpha = ${opts.alpha}).`,
  );
  if (unprobed.length > 0)
    paragraphs.push(
      `Not probed: ${unprobed.join(", ")} (the aggregate mode predicts a whole experiment, with no arm per person).`,
    );
  const note = focalismNote(opts.heldFixed ?? []);
  if (note) paragraphs.push(note);
  if (probed.length === 0 && !note) return null;
  const variables = [...new Set(probed.flatMap((m) => m.probe!.variables.map((v) => v.variable)))];
  return {
    heading: "Design diagnostics",
    paragraphs: [
      `Each probe variable (asked before the outcome, in every arm) regressed on the ${opts.treatment}; a one-way F-test across arms flags a variable that moves with it in any shape.`,
      ...paragraphs,
    ],
    plots: variables.map((variable) => ({
      kind: "lines" as const,
      title: `${variable}: mean stated value by ${opts.treatment}, with ${level} CIs`,
      xLabel: opts.treatment,
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
    ...(probed.length > 0
      ? {
          table: {
            columns: [
              "mode",
              "variable",
              "n",
              `slope per unit ${opts.treatment} [${level} CI]`,
              "F",
              "p",
              `moves with the ${opts.treatment}`,
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
        }
      : {}),
  };
}
