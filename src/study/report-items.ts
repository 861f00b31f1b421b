import { type Estimate, estimateEffect } from "../analysis/effects/index.ts";
import { tQuantile } from "../analysis/stats/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import type { HumanReference } from "./report-reference.ts";

/** What the study report says about each item: answers per arm, means, arm differences, references. */

const HISTOGRAM_BINS = 10;
const ALPHA = 0.05;

export interface AnswerShare {
  arm: string;
  answer: string;
  count: number;
  share: number;
}

/** Mean with its 95% t interval, and the spread, of one arm's scored answers. */
export interface MeanSummary {
  arm: string;
  n: number;
  mean: number;
  /** 95% confidence interval of the mean (t, n − 1 df); null with fewer than 2 answers. */
  lower: number | null;
  upper: number | null;
  sd: number | null;
  min: number;
  median: number;
  max: number;
}

/** One arm against the study's first arm, on the item's scale. */
export interface ArmDifference {
  arm: string;
  /** The arm compared against: the design's first arm. */
  reference: string;
  /** What is compared: "mean" (numeric, scales, Likert scores) or the share giving the first option. */
  outcome: string;
  n: number;
  n_reference: number;
  /** arm − reference, with a Welch 95% interval and p-value. */
  difference: Estimate;
  /** Effect size: Cohen's d; for two-option items the log odds ratio on the d scale (× √3/π). */
  d: Estimate;
}

export interface ItemReport {
  item: string;
  type: string;
  text: string;
  ok: number;
  failed: number;
  /** Not asked by the survey's flow (skip and stop rules): neither an answer nor a failure. */
  skipped: number;
  /** Closed items: each option's count and share of the arm's valid answers, options in order. */
  answers?: AnswerShare[];
  /** Distribution mode: per arm, each option's mean stored probability (the expected distribution). */
  expected?: AnswerShare[];
  /** Numeric, linear-scale and Likert items (Likert options scored 1 to k): per arm. */
  means?: MeanSummary[];
  /** How answers were scored for `means`, e.g. "1 = Strongly disagree … 5 = Strongly agree". */
  scale?: string;
  /** Numeric items: a histogram of all valid answers (per arm). */
  histogram?: AnswerShare[];
  /** Two or more arms: each later arm against the first. */
  differences?: ArmDifference[];
  /** Why there are no differences although there are several arms. */
  differences_note?: string;
  /** GSS items: how real respondents answered (data directory). */
  reference?: HumanReference;
}

/** The map's value for key, created by `make` the first time. */
export function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Answer counts, numbers and stored probabilities of one item, per arm. */
export class ItemTally {
  ok = 0;
  failed = 0;
  skipped = 0;
  readonly counts = new Map<string, Map<string, number>>();
  readonly numbers = new Map<string, number[]>();
  readonly probabilities = new Map<string, { sums: Map<string, number>; n: number }>();
  readonly question: Question;
  constructor(question: Question) {
    this.question = question;
  }

  add(
    arm: string,
    answer: string | number | null,
    probabilities: Record<string, number> | null,
    skipped = false,
  ): void {
    if (skipped) {
      this.skipped++;
      return;
    }
    if (answer === null) {
      this.failed++;
      return;
    }
    this.ok++;
    if (typeof answer === "number") {
      entry(this.numbers, arm, () => []).push(answer);
      return;
    }
    const c = entry(this.counts, arm, () => new Map<string, number>());
    c.set(answer, (c.get(answer) ?? 0) + 1);
    if (probabilities) {
      const p = entry(this.probabilities, arm, () => ({ sums: new Map<string, number>(), n: 0 }));
      p.n++;
      for (const [option, prob] of Object.entries(probabilities))
        p.sums.set(option, (p.sums.get(option) ?? 0) + prob);
    }
  }

  report(armOrder: string[], reference: HumanReference | undefined): ItemReport {
    const q = this.question;
    const out: ItemReport = {
      item: q.id,
      type: q.type,
      text: q.text,
      ok: this.ok,
      failed: this.failed,
      skipped: this.skipped,
    };
    const arms = armOrder.filter((a) => this.counts.has(a) || this.numbers.has(a));
    if (q.type !== "free_text" && this.counts.size > 0) {
      out.answers = arms.flatMap((arm) => {
        const c = this.counts.get(arm) ?? new Map<string, number>();
        let total = 0;
        for (const n of c.values()) total += n;
        const seen = [...(q.options ?? []), ...[...c.keys()].filter((k) => !q.options?.includes(k))];
        return seen.map((answer) => ({
          arm,
          answer,
          count: c.get(answer) ?? 0,
          share: total ? (c.get(answer) ?? 0) / total : 0,
        }));
      });
    }
    if (this.probabilities.size > 0) {
      out.expected = arms.flatMap((arm) => {
        const p = this.probabilities.get(arm);
        if (!p) return [];
        return (q.options ?? [...p.sums.keys()]).map((answer) => ({
          arm,
          answer,
          count: p.n,
          share: (p.sums.get(answer) ?? 0) / p.n,
        }));
      });
    }
    const scored = this.scores(arms);
    if (scored) {
      out.means = arms
        .filter((a) => scored.values.has(a))
        .map((arm) => summarize(arm, scored.values.get(arm)!));
      if (scored.scale) out.scale = scored.scale;
    }
    if (this.numbers.size > 0) out.histogram = histogram(arms, this.numbers);
    if (reference) out.reference = reference;
    if (armOrder.length > 1) Object.assign(out, this.differences(armOrder, scored?.values));
    return out;
  }

  /** Numbers per arm for means: numeric answers, or Likert options scored 1..k. */
  private scores(arms: string[]): { values: Map<string, number[]>; scale?: string } | undefined {
    if (this.numbers.size > 0) return { values: this.numbers };
    const options = this.question.options;
    if (this.question.type !== "likert" || !options) return undefined;
    const values = new Map<string, number[]>();
    for (const arm of arms) {
      const xs: number[] = [];
      for (const [answer, n] of this.counts.get(arm) ?? []) {
        const at = options.indexOf(answer);
        if (at >= 0) for (let i = 0; i < n; i++) xs.push(at + 1);
      }
      if (xs.length > 0) values.set(arm, xs);
    }
    return { values, scale: `1 = ${options[0]} … ${options.length} = ${options.at(-1)}` };
  }

  /** Each later arm against the first: means, or for two-option items the share giving the first option. */
  private differences(
    armOrder: string[],
    scored: Map<string, number[]> | undefined,
  ): Pick<ItemReport, "differences" | "differences_note"> {
    const options = this.question.options;
    let outcome: string;
    let valuesOf: (arm: string) => number[];
    if (scored) {
      outcome = "mean";
      valuesOf = (arm) => scored.get(arm) ?? [];
    } else if (options && options.length === 2) {
      outcome = `share answering "${options[0]}"`;
      valuesOf = (arm) => {
        const c = this.counts.get(arm) ?? new Map<string, number>();
        const xs: number[] = [];
        for (const [answer, n] of c) for (let i = 0; i < n; i++) xs.push(answer === options[0] ? 1 : 0);
        return xs;
      };
    } else {
      return {
        differences_note:
          this.question.type === "free_text"
            ? "Free-text answers have no scale to compare arms on."
            : "More than two unordered options: compare the arms' distributions above.",
      };
    }
    const [first, ...rest] = armOrder;
    const base = valuesOf(first);
    const differences: ArmDifference[] = [];
    const tooFew: string[] = [];
    for (const arm of rest) {
      const xs = valuesOf(arm);
      try {
        const effect = estimateEffect(xs, base, { alpha: ALPHA, binary: outcome !== "mean" });
        differences.push({
          arm,
          reference: first,
          outcome,
          n: xs.length,
          n_reference: base.length,
          difference: effect.difference,
          d: effect.d,
        });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        tooFew.push(arm);
      }
    }
    return {
      differences,
      ...(tooFew.length > 0
        ? {
            differences_note: `Fewer than 2 valid answers in ${[first, ...tooFew].join(" or ")}: no difference for ${tooFew.join(", ")}.`,
          }
        : {}),
    };
  }
}

function summarize(arm: string, xs: number[]): MeanSummary {
  const sorted = xs.toSorted((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const ss = sorted.reduce((s, x) => s + (x - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const half = sd === null ? null : tQuantile(1 - ALPHA / 2, n - 1) * (sd / Math.sqrt(n));
  const mid = Math.floor(n / 2);
  return {
    arm,
    n,
    mean,
    lower: half === null ? null : mean - half,
    upper: half === null ? null : mean + half,
    sd,
    min: sorted[0],
    median: n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    max: sorted[n - 1],
  };
}

/** Equal-width bins over all arms' range (one bin per value when there are few whole numbers). */
function histogram(arms: string[], numbers: Map<string, number[]>): AnswerShare[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const xs of numbers.values()) for (const x of xs) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const whole = [...numbers.values()].every((xs) => xs.every(Number.isInteger));
  // Whole numbers get whole-number bins (0–3, 4–7, ...); other numbers equal-width ones.
  const width = whole ? Math.ceil((hi - lo + 1) / HISTOGRAM_BINS) : (hi - lo) / HISTOGRAM_BINS || 1;
  const bins = whole ? Math.ceil((hi - lo + 1) / width) : HISTOGRAM_BINS;
  const labels = Array.from({ length: bins }, (_, b) => {
    const from = lo + b * width;
    if (!whole) return `${fmt(from)}–${fmt(from + width)}`;
    return width === 1 ? String(from) : `${from}–${from + width - 1}`;
  });
  return arms.flatMap((arm) => {
    const xs = numbers.get(arm) ?? [];
    const c = new Array<number>(bins).fill(0);
    for (const x of xs) c[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
    return labels.map((answer, b) => ({ arm, answer, count: c[b], share: xs.length ? c[b] / xs.length : 0 }));
  });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}
