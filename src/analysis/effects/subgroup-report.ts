import type { Cell, ReportSection } from "../../report/index.ts";
import type { EffectsResult } from "./replicate.ts";
import type { InteractionTest } from "./subgroups.ts";

const p = (x: number) => (x < 0.001 ? "< 0.001" : x.toFixed(3));
const test = (t: InteractionTest | null) =>
  t === null
    ? "not testable (fewer than two subgroups with an effect)"
    : `Q = ${t.q.toFixed(2)}, df ${t.df}, p ${p(t.p)}`;

/** Report sections for effects --by: per study, the effect in each subgroup on both sides. */
export function subgroupSections(res: EffectsResult): ReportSection[] {
  const by = res.by;
  if (by === undefined) return [];
  const { human, sim } = res.labels;
  const level = `${Math.round((1 - res.alpha) * 100)}%`;
  return res.studies.flatMap((s): ReportSection[] => {
    const sg = s.subgroups;
    if (!sg) return [];
    const rows: Cell[][] = sg.groups.map((g) => [
      g.group,
      g.human ? g.human.n_treated + g.human.n_control : null,
      g.human?.d.estimate ?? null,
      g.sim ? g.sim.n_treated + g.sim.n_control : null,
      g.sim?.d.estimate ?? null,
      g.sign_agree === null ? "—" : g.sign_agree ? "yes" : "no",
      g.significance_agree === null ? "—" : g.significance_agree ? "yes" : "no",
    ]);
    return [
      {
        heading: `Effects by ${res.by}${res.studies.length > 1 ? `: ${s.study}` : ""}`,
        paragraphs: [
          `The effect (d) in each subgroup of ${res.by}, with ${level} intervals. The interaction test asks whether ` +
            "the effect (difference in means) differs across subgroups: Cochran's Q of the subgroups' differences.",
          `Interaction, ${human}: ${test(sg.interaction.human)}. ${sim}: ${test(sg.interaction.sim)}. ` +
            `The two ${sg.interaction_agree === null ? "cannot be compared" : sg.interaction_agree ? "agree" : "disagree"} at α = ${res.alpha}.`,
          ...(sg.missing.human + sg.missing.sim > 0
            ? [
                `Rows without a ${res.by} value, left out: ${sg.missing.human} ${human}, ${sg.missing.sim} ${sim}.`,
              ]
            : []),
        ],
        plots: [
          {
            kind: "intervals",
            title: `d by ${res.by} with ${level} CIs`,
            rule: 0,
            valueLabel: "d",
            data: sg.groups.flatMap((g) => [
              ...(g.human ? [{ label: g.group, series: human, ...pick(g.human.d) }] : []),
              ...(g.sim ? [{ label: g.group, series: sim, ...pick(g.sim.d) }] : []),
            ]),
          },
        ],
        table: {
          columns: [by, `n ${human}`, `d ${human}`, `n ${sim}`, `d ${sim}`, "sign", "significance"],
          rows,
        },
      },
    ];
  });
}

function pick(e: { estimate: number | null; lower: number | null; upper: number | null }) {
  return { estimate: e.estimate, lower: e.lower, upper: e.upper };
}
