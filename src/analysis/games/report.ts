import type { ReportDoc, ReportSection } from "../../report/index.ts";
import type { PlayComparison, SideSummary } from "./compare.ts";

const ci = (s: SideSummary | null) =>
  s ? `${s.mean.toFixed(3)} [${s.lower?.toFixed(3) ?? "—"}, ${s.upper?.toFixed(3) ?? "—"}]` : "—";

/** Distributions side by side, the means by round or partner move, and the tables behind them. */
export function gamePlaySections(res: PlayComparison, measure: string): ReportSection[] {
  const { human, sim } = res.labels;
  const level = `${Math.round((1 - res.alpha) * 100)}%`;
  const bins = [...new Set([...res.human.distribution, ...res.sim.distribution].map((d) => d.bin))].sort(
    (a, b) => a - b,
  );
  const share = (s: SideSummary, bin: number) => s.distribution.find((d) => d.bin === bin)?.share ?? 0;
  const sections: ReportSection[] = [
    {
      heading: `Play: ${measure}`,
      paragraphs: [
        `${human}: ${res.human.n_decisions} decisions by ${res.human.n_people} people; ${sim}: ${res.sim.n_decisions} by ${res.sim.n_people}. ` +
          `Means with ${level} CIs clustered by person. W1 = ${res.w1.toFixed(3)} (in units of the scale), JSD = ${res.jsd.toFixed(3)} over values rounded to 1/${res.bins}.`,
      ],
      table: {
        columns: ["", "people", "decisions", `mean [${level} CI]`],
        rows: [
          [human, res.human.n_people, res.human.n_decisions, ci(res.human)],
          [sim, res.sim.n_people, res.sim.n_decisions, ci(res.sim)],
          [
            `${sim} − ${human}`,
            null,
            null,
            `${res.mean_difference.estimate.toFixed(3)} [${res.mean_difference.lower?.toFixed(3) ?? "—"}, ${res.mean_difference.upper?.toFixed(3) ?? "—"}]`,
          ],
        ],
      },
      plots: [
        {
          kind: "bars",
          title: `Distribution of decisions (${measure})`,
          valueLabel: "share of decisions",
          data: bins.flatMap((b) => [
            { label: b.toFixed(2), series: human, value: share(res.human, b) },
            { label: b.toFixed(2), series: sim, value: share(res.sim, b) },
          ]),
        },
      ],
    },
  ];
  if (res.by && res.groups.length > 0) {
    const what = res.by === "round" ? "round" : "partner's move";
    sections.push({
      heading: `By ${what}`,
      paragraphs: [`Groups with fewer than ${res.min_group} decisions on a side are left out of that side.`],
      plots: [
        {
          kind: "lines",
          title: `Mean by ${what}, with ${level} CIs`,
          caption: `The mean of: ${measure}.`,
          xLabel: what,
          valueLabel: "mean",
          data: res.groups.flatMap((g) =>
            (
              [
                [human, g.human],
                [sim, g.sim],
              ] as const
            )
              .filter(([, s]) => s !== null)
              .map(([series, s]) => ({ x: g.group, y: s!.mean, lower: s!.lower, upper: s!.upper, series })),
          ),
        },
      ],
      table: {
        columns: [what, `${human} n`, `${human} mean`, `${sim} n`, `${sim} mean`, "W1", "JSD"],
        rows: res.groups.map((g) => [
          g.group,
          g.human?.n_decisions ?? null,
          g.human?.mean ?? null,
          g.sim?.n_decisions ?? null,
          g.sim?.mean ?? null,
          g.w1,
          g.jsd,
        ]),
      },
    });
  }
  return sections;
}

export function gamePlayReport(
  res: PlayComparison,
  measure: string,
  opts: { title?: string; notes?: string[] } = {},
): ReportDoc {
  return {
    title: opts.title ?? `Game play: ${res.labels.sim} vs. ${res.labels.human}`,
    subtitle: measure,
    notes: opts.notes,
    sections: gamePlaySections(res, measure),
  };
}
