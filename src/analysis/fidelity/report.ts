import type { Cell, PlotSpec, ReportDoc, ReportSection } from "../../report/index.ts";
import type { FidelityResult, ItemFidelity } from "./compare.ts";

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
    rows.push([k, v, interval ? interval[0] : null, interval ? interval[1] : null]);
  }
  const h = o.heterogeneity as { measure: string; mean_ratio: number | null; median_ratio: number | null };
  rows.push([`${h.measure} ratio sim/human (median over items)`, h.median_ratio, null, null]);
  const paragraphs = [
    `Simulated answers in ${res.files.sim} against the same people's answers in ${res.files.human}` +
      (res.files.retest ? `, with their retest answers in ${res.files.retest} as the ceiling.` : "."),
  ];
  if (o.bootstrap) {
    const b = o.bootstrap as { B: number; seed: unknown };
    paragraphs.push(
      `Intervals: percentile bootstrap over persons, ${b.B} resamples, seed ${String(b.seed)}.`,
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
  const bars: PlotSpec = {
    kind: "bars",
    title: cat ? "Accuracy per item" : "Correlation (across persons) per item",
    caption: res.files.retest
      ? "Bars: simulated vs. human answers. Ticks: the same people's retest vs. first answers (the ceiling)."
      : undefined,
    domain: cat ? [0, 1] : [-1, 1],
    valueLabel: cat ? "share of pairs that agree" : "Pearson r",
    referenceLabel: "human test-retest",
    data: entries.map(([item, f]) => ({ label: item, value: n(f[metric]), reference: n(f[ceiling]) })),
  };
  const columns = cat
    ? ["item", "n", "accuracy", "retest accuracy", "JSD", "TV", "entropy ratio"]
    : ["item", "n", "MAE", "r", "retest r", "W1", "variance ratio"];
  const rows: Cell[][] = entries.map(([item, f]) =>
    cat
      ? [item, f.n, n(f.accuracy), n(f.retest_accuracy), n(f.jsd), n(f.tv), n(f.entropy_ratio)]
      : [item, f.n, n(f.mae), n(f.r), n(f.retest_r), n(f.w1), n(f.variance_ratio)],
  );
  return {
    heading: "Items",
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
  return Object.entries(res.subgroups).map(([col, sg]) => {
    const groups = Object.entries(sg.groups);
    return {
      heading: `Subgroups by ${col}`,
      paragraphs: [
        `DPD (max − min ${sg.metric} over groups with at least ${sg.min_group} persons): ${fmt(sg.dpd)}.` +
          (sg.n_persons_missing > 0
            ? ` ${sg.n_persons_missing} persons have no ${col} and are left out.`
            : ""),
      ],
      plots: [
        {
          kind: "bars",
          title: `${sg.metric} by ${col} (DPD ${fmt(sg.dpd)})`,
          valueLabel: sg.metric,
          domain: sg.metric === "accuracy" ? [0, 1] : undefined,
          data: groups.map(([g, v]) => ({ label: `${g} (n=${v.n_persons})`, value: n(v[sg.metric]) })),
        },
      ],
      table: {
        columns: ["group", "persons", "pairs", sg.metric, "in DPD"],
        rows: groups.map(([g, v]) => [g, v.n_persons, v.n_pairs, n(v[sg.metric]), v.in_dpd ? "yes" : "no"]),
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
        "Correlation across persons of a stated belief with the matching action, on the same people.",
      ],
      table: {
        columns: ["belief", "action", "n", "human r", "simulated r", "difference", "z", "p"],
        rows: res.coherence.map((c) => [c.belief, c.action, c.n, c.human_r, c.sim_r, c.difference, c.z, c.p]),
      },
    });
  }
  return {
    title: opts.title ?? "Fidelity of simulated answers",
    subtitle: `${res.type} answers · ${res.overall.n_persons} persons · ${res.overall.n_items} items · ${res.overall.n_pairs} pairs`,
    notes: opts.notes,
    sections,
  };
}
