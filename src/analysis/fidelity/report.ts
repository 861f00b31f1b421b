import { type Cell, formatP, type PlotSpec, type ReportDoc, type ReportSection } from "../../report/index.ts";
import type { FidelityResult, ItemFidelity } from "./compare.ts";
import { GLOSSARY, metricLabel } from "./labels.ts";

/** How many items get their own distribution plot (those that differ most). */
const DISTRIBUTION_PLOTS = 6;

function n(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function overallSection(res: FidelityResult): ReportSection {
  const o = res.overall as Record<string, unknown>;
  const ci = (o.ci ?? {}) as Record<string, [number | null, number | null]>;
  const rows: Cell[][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== "number" && v !== null) continue;
    const interval = ci[k];
    rows.push([metricLabel(k), v, interval ? interval[0] : null, interval ? interval[1] : null]);
  }
  const h = o.heterogeneity as { measure: string; mean_ratio: number | null; median_ratio: number | null };
  rows.push([`${h.measure} ratio, simulated ÷ human (median over items)`, h.median_ratio, null, null]);
  const paragraphs = [
    `Simulated answers in ${res.files.sim} against the same people's answers in ${res.files.human}` +
      (res.files.retest ? `, with their retest answers in ${res.files.retest} as the ceiling.` : "."),
  ];
  if (o.bootstrap) {
    const b = o.bootstrap as { B: number; seed: unknown; alpha: number };
    paragraphs.push(
      `Intervals: ${Math.round((1 - b.alpha) * 100)}% percentile bootstrap over people, ${b.B} resamples, seed ${String(b.seed)}.`,
    );
  } else {
    paragraphs.push(
      "No intervals: run with --bootstrap 1000 for 95% bootstrap intervals here and on the bars below.",
    );
  }
  return {
    heading: "Overall",
    paragraphs,
    table: { columns: ["metric", "value", "CI lower", "CI upper"], rows },
  };
}

function itemSection(res: FidelityResult): ReportSection {
  const cat = res.type === "categorical";
  const entries = Object.entries(res.items);
  const metric = cat ? "accuracy" : "r";
  const ceiling = cat ? "retest_accuracy" : "retest_r";
  const withCi = entries.some(([, f]) => f.ci?.[metric]);
  const bars: PlotSpec = {
    kind: "bars",
    title: cat ? "Accuracy per item" : "Correlation (across people) per item",
    caption:
      [
        res.files.retest
          ? "Bars: simulated vs. human answers. Ticks: the same people's retest vs. first answers (the ceiling)."
          : "",
        withCi ? "Lines: 95% bootstrap intervals." : "",
      ]
        .filter(Boolean)
        .join(" ") || undefined,
    domain: cat ? [0, 1] : [-1, 1],
    valueLabel: cat ? "share of pairs that agree" : "Pearson r",
    referenceLabel: "human test-retest",
    data: entries.map(([item, f]) => ({
      label: item,
      value: n(f[metric]),
      reference: n(f[ceiling]),
      ...(f.ci?.[metric] ? { lower: f.ci[metric][0], upper: f.ci[metric][1] } : {}),
    })),
  };
  const columns = cat
    ? ["item", "pairs", "accuracy", "retest agreement", "JSD", "TV", "entropy ratio"]
    : ["item", "pairs", "MAE", "r", "retest r", "W1", "variance ratio"];
  const rows: Cell[][] = entries.map(([item, f]) =>
    cat
      ? [item, f.n, n(f.accuracy), n(f.retest_accuracy), n(f.jsd), n(f.tv), n(f.entropy_ratio)]
      : [item, f.n, n(f.mae), n(f.r), n(f.retest_r), n(f.w1), n(f.variance_ratio)],
  );
  return {
    heading: "Items",
    glossary: cat
      ? [GLOSSARY.jsd, GLOSSARY.tv, GLOSSARY.entropy_ratio]
      : [GLOSSARY.w1, GLOSSARY.variance_ratio],
    plots: [bars],
    table: { columns, rows, caption: "— = undefined (too few pairs or no variance)" },
  };
}

function distributionSection(res: FidelityResult): ReportSection | undefined {
  const distance = (f: ItemFidelity) => (res.type === "categorical" ? (f.jsd ?? 0) : (f.w1 ?? 0));
  const chosen = Object.entries(res.items)
    .filter(([, f]) => f.distribution && f.distribution.length > 0)
    .sort((a, b) => distance(b[1]) - distance(a[1]))
    .slice(0, DISTRIBUTION_PLOTS);
  if (chosen.length === 0) return undefined;
  const plots: PlotSpec[] = chosen.map(([item, f]) => ({
    kind: "bars",
    title: `${item} (${res.type === "categorical" ? `JSD ${fmt(f.jsd)}` : `W1 ${fmt(f.w1)}`})`,
    valueLabel: "share of answers",
    data: f.distribution!.flatMap((d) => [
      { label: d.answer, series: "human", value: d.human },
      { label: d.answer, series: "simulated", value: d.sim },
    ]),
  }));
  return {
    heading: "Answer distributions",
    paragraphs: [
      `The ${chosen.length} items whose simulated answer distribution differs most from the human one ` +
        "(all non-empty answers of each file).",
    ],
    plots,
  };
}

function fmt(v: number | null | undefined): string {
  return typeof v === "number" ? v.toFixed(3) : "—";
}

function subgroupSections(res: FidelityResult): ReportSection[] {
  return Object.entries(res.subgroups).map(([col, sg], i) => {
    const label = (g: string) => `${g} (n=${sg.groups[g].n_persons})`;
    const dpdCi = sg.dpd_ci ? ` [${fmt(sg.dpd_ci[0])}, ${fmt(sg.dpd_ci[1])}]` : "";
    return {
      heading: `Subgroups by ${col}`,
      ...(i === 0 ? { glossary: [GLOSSARY.dpd] } : {}),
      paragraphs: [
        `DPD (max − min ${sg.metric} over groups with at least ${sg.min_group} people): ${fmt(sg.dpd)}${dpdCi}.` +
          (sg.n_persons_missing > 0
            ? ` ${sg.n_persons_missing} people have no ${col} and are left out.`
            : ""),
      ],
      plots: [
        {
          kind: "bars",
          title: `${sg.metric} by ${col} (DPD ${fmt(sg.dpd)})`,
          caption: sg.order.some((g) => sg.groups[g].ci) ? "Lines: 95% bootstrap intervals." : undefined,
          valueLabel: sg.metric,
          domain: sg.metric === "accuracy" ? [0, 1] : undefined,
          data: sg.order.map((g) => {
            const v = sg.groups[g];
            return {
              label: label(g),
              value: n(v[sg.metric]),
              ...(v.ci ? { lower: v.ci[0], upper: v.ci[1] } : {}),
            };
          }),
        },
      ],
      table: {
        columns: ["group", "people", "pairs", sg.metric, "95% CI", "in DPD"],
        rows: sg.order.map((g) => {
          const v = sg.groups[g];
          return [
            g,
            v.n_persons,
            v.n_pairs,
            n(v[sg.metric]),
            v.ci ? `[${fmt(v.ci[0])}, ${fmt(v.ci[1])}]` : "—",
            v.in_dpd ? "yes" : "no (too few people)",
          ];
        }),
      },
    };
  });
}

/** The report of one `compare` run: overall metrics, per-item ceiling plot, distributions, subgroups. */
export function fidelityReport(
  res: FidelityResult,
  opts: { title?: string; notes?: string[] } = {},
): ReportDoc {
  const sections: ReportSection[] = [overallSection(res), itemSection(res)];
  const dist = distributionSection(res);
  if (dist) sections.push(dist);
  sections.push(...subgroupSections(res));
  if (res.coherence && res.coherence.length > 0) {
    sections.push({
      heading: "Belief–action coherence",
      paragraphs: [
        "Correlation across people of a stated belief with the matching action, on the same people.",
      ],
      table: {
        columns: ["belief", "action", "people", "human r", "simulated r", "difference", "z", "p"],
        rows: res.coherence.map((c) => [
          c.belief,
          c.action,
          c.n,
          c.human_r,
          c.sim_r,
          c.difference,
          c.z,
          formatP(c.p),
        ]),
      },
    });
  }
  return {
    title: opts.title ?? "Fidelity of simulated answers",
    subtitle: `${res.type} answers · ${res.overall.n_persons} people · ${res.overall.n_items} items · ${res.overall.n_pairs} pairs`,
    notes: opts.notes,
    sections,
  };
}
