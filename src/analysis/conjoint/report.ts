import type { ReportDoc, ReportSection } from "../../report/index.ts";
import type { AmceEstimate } from "./amce.ts";

/** One coefficient plot per attribute (its baseline drawn at 0) and the table of every term. */
export function amceSections(res: AmceEstimate): ReportSection[] {
  const level = `${Math.round((1 - res.alpha) * 100)}%`;
  const byAttribute = new Map(res.attributes.map((a) => [a.name, [] as AmceEstimate["terms"]]));
  for (const t of res.terms) byAttribute.get(t.attribute)!.push(t);
  // One scale for every attribute's plot, so effects of different attributes compare by eye.
  const lo = Math.min(0, ...res.terms.map((t) => t.lower));
  const hi = Math.max(0, ...res.terms.map((t) => t.upper));
  const pad = (hi - lo) * 0.04 || 0.01;
  const domain: [number, number] = [lo - pad, hi + pad];
  const longest = Math.max(
    ...res.attributes.flatMap((a) => [`${a.baseline} (baseline)`, ...a.levels]).map((l) => l.length),
  );
  const marginLeft = Math.min(260, 12 + 6.2 * longest);
  return [
    {
      heading: "Average marginal component effects",
      paragraphs: [
        `OLS of the outcome on level dummies, one row per profile: ${res.n_profiles} profiles from ` +
          `${res.n_respondents} respondents. Standard errors clustered by respondent (CR1); ${level} normal intervals. ` +
          "Each estimate is the change in the probability of choosing a profile when the attribute takes " +
          "this level instead of its baseline (shown at 0).",
      ],
      plots: res.attributes.map((a) => ({
        kind: "intervals" as const,
        title: a.name,
        rule: 0,
        domain,
        marginLeft,
        valueLabel: "AMCE",
        data: [
          { label: `${a.baseline} (baseline)`, estimate: 0, lower: null, upper: null },
          ...byAttribute.get(a.name)!.map((t) => ({
            label: t.level,
            estimate: t.estimate,
            lower: t.lower,
            upper: t.upper,
          })),
        ],
      })),
      table: {
        columns: ["attribute", "level", "AMCE", "SE", `${level} lower`, `${level} upper`],
        rows: res.terms.map((t) => [t.attribute, t.level, t.estimate, t.se, t.lower, t.upper]),
      },
    },
  ];
}

export function amceReport(res: AmceEstimate, opts: { title?: string; notes?: string[] } = {}): ReportDoc {
  return {
    title: opts.title ?? "Conjoint: average marginal component effects",
    subtitle: `${res.n_respondents} respondents · ${res.n_profiles} profiles`,
    notes: opts.notes,
    sections: amceSections(res),
  };
}
