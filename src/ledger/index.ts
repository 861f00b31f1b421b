/**
 * The validation ledger (DESIGN §10): every comparison of simulated with human answers leaves
 * entries — study, domain, items, model, conditioning, metric, value with its CI, n — so that a
 * new study can be read against the track record of similar ones. This module turns analysis
 * results into entries, summarizes entries, and writes the report section; the store keeps them.
 */
import { createHash } from "node:crypto";
import type { CalibrationReport } from "../analysis/calibration/index.ts";
import type { EffectsResult } from "../analysis/effects/index.ts";
import type { FidelityResult } from "../analysis/fidelity/index.ts";
import type { ReportSection } from "../report/index.ts";
import type { LedgerEntry } from "../store/types.ts";

export type { LedgerEntry };

/** What every entry of one comparison shares. */
export interface LedgerContext {
  command: string;
  study: string;
  domain: string;
  model: string;
  conditioning: string;
  runId?: string | null;
  /** What identifies the data compared (file digests, run id, options): part of each entry's key. */
  inputs: unknown;
  /** When the entries are written (ISO time); default now. */
  date?: string;
}

function entryKey(ctx: LedgerContext, metric: string, items: readonly string[]): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        ctx.command,
        ctx.study,
        ctx.domain,
        ctx.model,
        ctx.conditioning,
        metric,
        items,
        ctx.inputs,
      ]),
    )
    .digest("hex")
    .slice(0, 32);
}

/** One ledger entry of a comparison (for results the builders below do not cover). */
export function ledgerEntry(
  ctx: LedgerContext,
  metric: string,
  items: readonly string[],
  fields: Partial<
    Pick<LedgerEntry, "value" | "ci" | "n" | "reference" | "signAgree" | "significanceAgree" | "details">
  >,
): LedgerEntry {
  return {
    key: entryKey(ctx, metric, items),
    createdAt: ctx.date ?? new Date().toISOString(),
    command: ctx.command,
    study: ctx.study,
    domain: ctx.domain,
    items: [...items],
    model: ctx.model,
    conditioning: ctx.conditioning,
    metric,
    value: fields.value ?? null,
    ci: fields.ci ?? null,
    n: fields.n ?? null,
    reference: fields.reference ?? null,
    signAgree: fields.signAgree ?? null,
    significanceAgree: fields.significanceAgree ?? null,
    runId: ctx.runId ?? null,
    details: fields.details ?? {},
  };
}

const finite = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * Individual-level fidelity: the overall metrics (accuracy with the humans' test-retest
 * agreement as its reference, normalized accuracy; numeric: MAE, r with the retest r, normalized r).
 */
export function compareEntries(res: FidelityResult, ctx: LedgerContext): LedgerEntry[] {
  const o = res.overall as Record<string, unknown>;
  const ci = (o.ci ?? {}) as Record<string, [number | null, number | null]>;
  const items = Object.keys(res.items).filter((i) => res.items[i].n > 0);
  const interval = (metric: string): [number, number] | null => {
    const c = ci[metric];
    return c && c[0] !== null && c[1] !== null ? [c[0], c[1]] : null;
  };
  const metrics: [string, string | null][] =
    res.type === "categorical"
      ? [
          ["accuracy", "retest_accuracy"],
          ["normalized_accuracy", null],
          ["normalized_accuracy_pooled", null],
        ]
      : [
          ["mae", "retest_mae"],
          ["r", "retest_r"],
          ["normalized_r", null],
        ];
  return metrics.flatMap(([metric, reference]) => {
    const value = finite(o[metric]);
    if (value === null) return [];
    const ref = reference === null ? null : finite(o[reference]);
    return [
      ledgerEntry(ctx, metric, items, {
        value,
        ci: interval(metric),
        n: res.overall.n_persons,
        reference: ref === null ? null : { value: ref, ci: interval(reference as string) },
        details: {
          n_pairs: res.overall.n_pairs,
          type: res.type,
          weighted: res.weights !== undefined,
          ...(ref !== null
            ? { reference: `${reference}: the same people answering again (the ceiling)` }
            : {}),
        },
      }),
    ];
  });
}

/** Treatment effects: one entry per study compared, the simulated d beside the human d. */
export function effectsEntries(res: EffectsResult, ctx: LedgerContext, outcome: string): LedgerEntry[] {
  return res.studies.flatMap((s) => {
    if (!s.sim || s.sim.d.estimate === null) return [];
    const interval = (e: { lower: number | null; upper: number | null }): [number, number] | null =>
      e.lower === null || e.upper === null ? null : [e.lower, e.upper];
    return [
      ledgerEntry(
        {
          ...ctx,
          study: res.studies.length > 1 || s.study !== "all" ? `${ctx.study}: ${s.study}` : ctx.study,
        },
        "effect_d",
        [outcome],
        {
          value: s.sim.d.estimate,
          ci: interval(s.sim.d),
          n: s.sim.n_treated + s.sim.n_control,
          reference: { value: s.human.d.estimate, ci: interval(s.human.d) },
          signAgree: s.sign_agree,
          significanceAgree: s.significance_agree,
          details: { scale: res.scale, alpha: res.alpha, n_human: s.human.n_treated + s.human.n_control },
        },
      ),
    ];
  });
}

/** Calibration: the PPI++ estimate (per term), with the human-only estimate as reference. */
export function calibrationEntries(r: CalibrationReport, ctx: LedgerContext, item: string): LedgerEntry[] {
  const at = (v: number | number[], j: number) => (Array.isArray(v) ? v[j] : v);
  const terms = r.terms ?? [r.estimand];
  return terms.map((term, j) => {
    const width = at(r.upper, j) - at(r.lower, j);
    const human = at(r.classical.upper, j) - at(r.classical.lower, j);
    return ledgerEntry(
      ctx,
      r.terms ? `calibrated_${r.estimand}:${term}` : `calibrated_${r.estimand}`,
      [item],
      {
        value: at(r.estimate, j),
        ci: [at(r.lower, j), at(r.upper, j)],
        n: r.n_labeled,
        reference: {
          value: at(r.classical.estimate, j),
          ci: [at(r.classical.lower, j), at(r.classical.upper, j)],
        },
        details: {
          width_vs_human_only: human > 0 ? width / human : null,
          lambda: r.lambda,
          n_unlabeled: r.n_unlabeled,
          alpha: r.alpha,
        },
      },
    );
  });
}

export interface LedgerSummary {
  n_entries: number;
  n_studies: number;
  /** Effects entries: how often simulated and human effects agreed. */
  effects: { n: number; sign_agreement: number | null; significance_agreement: number | null };
  /** Mean normalized accuracy (and its count) by model and conditioning. */
  normalized_accuracy: { model: string; conditioning: string; n: number; mean: number }[];
  /** Effects agreement by model. */
  effects_by_model: {
    model: string;
    n: number;
    sign_agreement: number | null;
    significance_agreement: number | null;
  }[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const share = (xs: readonly (boolean | null)[]) => {
  const known = xs.filter((x) => x !== null);
  return known.length > 0 ? known.filter((x) => x).length / known.length : null;
};

export function summarizeLedger(entries: readonly LedgerEntry[]): LedgerSummary {
  const effects = entries.filter((e) => e.metric === "effect_d");
  const byModel = new Map<string, LedgerEntry[]>();
  for (const e of effects) byModel.set(e.model, [...(byModel.get(e.model) ?? []), e]);
  const na = new Map<string, { model: string; conditioning: string; values: number[] }>();
  for (const e of entries) {
    if (e.metric !== "normalized_accuracy" || e.value === null) continue;
    const k = `${e.model}\u0000${e.conditioning}`;
    const g = na.get(k) ?? { model: e.model, conditioning: e.conditioning, values: [] };
    g.values.push(e.value);
    na.set(k, g);
  }
  return {
    n_entries: entries.length,
    n_studies: new Set(entries.map((e) => e.study)).size,
    effects: {
      n: effects.length,
      sign_agreement: share(effects.map((e) => e.signAgree)),
      significance_agreement: share(effects.map((e) => e.significanceAgree)),
    },
    normalized_accuracy: [...na.values()].map((g) => ({
      model: g.model,
      conditioning: g.conditioning,
      n: g.values.length,
      mean: g.values.reduce((a, b) => a + b, 0) / g.values.length,
    })),
    effects_by_model: [...byModel].map(([model, es]) => ({
      model,
      n: es.length,
      sign_agreement: share(es.map((e) => e.signAgree)),
      significance_agreement: share(es.map((e) => e.significanceAgree)),
    })),
  };
}

/**
 * The "track record of similar studies" section: earlier ledger entries of the same domain
 * (other than this comparison's own), summarized and listed, most recent first.
 */
export function trackRecordSection(
  earlier: readonly LedgerEntry[],
  current: { domain: string; model: string; exclude?: ReadonlySet<string>; db?: string },
): ReportSection {
  const similar = earlier.filter((e) => e.domain === current.domain && !current.exclude?.has(e.key));
  const heading = "Track record of similar studies";
  if (similar.length === 0) {
    return {
      heading,
      paragraphs: [
        `The validation ledger${current.db ? ` (${current.db})` : ""} has no earlier comparisons with human data in ` +
          `the domain "${current.domain}". Each compare, effects and calibrate run against human data adds to it.`,
      ],
    };
  }
  const s = summarizeLedger(similar);
  const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);
  const f3 = (x: number | null) => (x === null ? null : Number(x.toFixed(3)));
  const paragraphs = [
    `Earlier comparisons with human data in the domain "${current.domain}" from the validation ledger` +
      `${current.db ? ` (${current.db})` : ""}: ${plural(s.n_entries, "entry", "entries")} from ${plural(s.n_studies, "study", "studies")}.`,
  ];
  if (s.effects.n > 0) {
    paragraphs.push(
      `Treatment effects: simulated and human effects agreed in sign ${pct(s.effects.sign_agreement)} and in ` +
        `significance ${pct(s.effects.significance_agreement)} of ${plural(s.effects.n, "comparison", "comparisons")}.`,
    );
  }
  for (const g of s.normalized_accuracy) {
    paragraphs.push(
      `Normalized accuracy of ${g.model} (${g.conditioning} conditioning): mean ${g.mean.toFixed(3)} over ${plural(g.n, "study", "studies")}.`,
    );
  }
  const mine = similar.filter((e) => e.model === current.model).length;
  paragraphs.push(`${mine} of these entries are for the model of this report (${current.model}).`);
  paragraphs.push(
    "“Human” is the human figure compared with: the human effect, the human-only estimate, or the humans' test-retest agreement.",
  );
  return {
    heading,
    paragraphs,
    table: {
      columns: [
        "date",
        "study",
        "model",
        "conditioning",
        "metric",
        "simulated",
        "human",
        "agree (sign / signif.)",
        "n",
      ],
      rows: [...similar]
        .reverse()
        .slice(0, 30)
        .map((e) => [
          e.createdAt.slice(0, 10),
          e.study,
          e.model,
          e.conditioning,
          e.metric,
          f3(e.value),
          f3(e.reference?.value ?? null),
          e.signAgree === null
            ? "—"
            : `${e.signAgree ? "yes" : "no"} / ${e.significanceAgree ? "yes" : "no"}`,
          e.n,
        ]),
      caption: similar.length > 30 ? `The 30 most recent of ${similar.length} entries.` : undefined,
    },
  };
}
