import { resolve } from "node:path";
import type { Interval } from "../analysis/calibration/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import type { PlotSpec, ReportDoc, ReportSection } from "../report/index.ts";
import type { StudySpec } from "../spec/index.ts";
import type { CalibrationSpec } from "../spec/schema.ts";
import type { RunRecord, Store } from "../store/types.ts";
import {
  answerValue,
  calibratePlan,
  labeledCounts,
  type PlanEstimates,
  readHumanData,
  type SimulatedValues,
  uncoveredOptions,
} from "./confirmatory.ts";
import { resolveQuestions } from "./items.ts";

/**
 * The report of one stored run (issue 4): what was asked of which model, what it cost, how people
 * answered, what failed and why, and, when the study has a calibration plan, the PPI++ estimate
 * beside the human-only and simulated-only ones, with a plain statement of what is calibrated.
 */

export const BASELINE_MODEL_LABEL = "answers drawn from real human data; not a language model";
const INSTANT_MODEL_LABEL = "in-process test model answering at random; not a language model";
export const NOTHING_CALIBRATED = "No estimate in this report is calibrated against human data";
const TOP_REASONS = 10;
const HISTOGRAM_BINS = 10;

export interface StudyReportOptions {
  store: Store;
  run: RunRecord;
  /** The run's stored spec. */
  spec: StudySpec;
  /** Data directory (GSS items read their text and options from its codebook). */
  dataDir: string;
  /** The human data file; overrides the plan's human_data. */
  humanData?: string;
  /** Folder the plan's relative human_data path is read from (the spec's folder); default cwd. */
  baseDir?: string;
}

export interface AnswerShare {
  arm: string;
  answer: string;
  count: number;
  share: number;
}

export interface NumericSummary {
  arm: string;
  n: number;
  mean: number;
  sd: number | null;
  min: number;
  median: number;
  max: number;
}

export interface ItemReport {
  item: string;
  type: string;
  text: string;
  ok: number;
  failed: number;
  /** Closed items: the share of each answer among the arm's valid answers, options in order. */
  answers?: AnswerShare[];
  /** Numeric items, per arm. */
  numeric?: NumericSummary[];
  /** Numeric items: a histogram of all valid answers (per arm). */
  histogram?: AnswerShare[];
}

export interface CalibrationReport {
  /** calibrated: PPI++ computed; none: no plan; not_computed: a plan that could not be carried out. */
  status: "calibrated" | "none" | "not_computed";
  confirmatory: boolean;
  statement: string;
  plan: CalibrationSpec | null;
  human_data: string | null;
  reason?: string;
  estimates?: PlanEstimates;
}

export interface StudyReport {
  study: { name: string; version: string; description: string | null };
  run: { id: string; status: string; mode: string; created_at: string; updated_at: string };
  model: { id: string; kind: string; label: string | null };
  jobs: { total: number; ok: number; failed: number; pending: number };
  usage: {
    /** Every model call of the ledger, repairs and failed attempts included. */
    calls: number;
    input_tokens: number;
    cached_input_tokens: number;
    output_tokens: number;
    reasoning_tokens: number;
    /** null when some call's model has no price. */
    cost_usd: number | null;
    cache_hits: number;
  };
  items: ItemReport[];
  failures: { jobs: number; reasons: { reason: string; jobs: number }[] };
  calibration: CalibrationReport;
  notes: string[];
}

export function modelLabel(kind: string): string | null {
  if (kind === "baseline") return `statistical baseline (${BASELINE_MODEL_LABEL})`;
  if (kind === "instant") return INSTANT_MODEL_LABEL;
  return null;
}

/** Reads the run's responses once (streamed) and assembles the report. */
export async function buildStudyReport(opts: StudyReportOptions): Promise<StudyReport> {
  const { store, run, spec } = opts;
  const questions = resolveQuestions(spec.instrument.items, opts.dataDir);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const plan = spec.calibration;
  const planQuestion = plan?.item ? byId.get(plan.item) : undefined;

  const tallies = new Map(questions.map((q) => [q.id, new ItemTally(q)]));
  const sims: SimulatedValues = new Map();
  const reasons = new Map<string, Set<string>>();
  let cached = 0;
  let reasoning = 0;
  let priced = true;
  let cacheHits = 0;
  for await (const r of store.responses(run.id)) {
    let tally = tallies.get(r.item);
    if (!tally) {
      // An item no longer in the spec (should not happen: the spec is the run's own).
      tally = new ItemTally({ id: r.item, type: "free_text", text: "" });
      tallies.set(r.item, tally);
    }
    tally.add(r.arm, r.status === "ok" ? r.answer : null);
    cached += r.cachedInputTokens;
    reasoning += r.reasoningTokens;
    if (r.costUsd === null) priced = false;
    if (r.cacheHit) cacheHits++;
    if (r.status === "failed") {
      const reason = r.reason ?? "no reason recorded";
      entry(reasons, reason, () => new Set<string>()).add(r.jobId);
    }
    if (planQuestion && r.item === planQuestion.id) {
      const arm = entry(sims, r.arm, () => new Map<string, (number | undefined)[]>());
      entry(arm, r.agentId, () => []).push(
        r.status === "ok" && r.answer !== null
          ? answerValue(r.answer, planQuestion, plan?.values)
          : undefined,
      );
    }
  }

  const counts = await store.jobCounts(run.id);
  const spent = await store.spending(run.id);
  const failedJobs = new Set<string>();
  for (const jobs of reasons.values()) for (const j of jobs) failedJobs.add(j);
  const notes: string[] = [];
  const label = modelLabel(run.modelKind);
  if (label) notes.push(`Model: ${label}.`);
  if (counts.pending > 0) {
    notes.push(
      `The run is not complete (${counts.pending} jobs pending, status ${run.status}): figures cover finished jobs only.`,
    );
  }
  const calibration = calibrationReport(opts, plan, planQuestion, sims);
  notes.push(calibration.statement);
  return {
    study: { name: spec.name, version: run.studyId, description: spec.description ?? null },
    run: {
      id: run.id,
      status: run.status,
      mode: run.mode,
      created_at: run.createdAt,
      updated_at: run.updatedAt,
    },
    model: { id: run.modelId, kind: run.modelKind, label },
    jobs: { total: counts.ok + counts.failed + counts.pending, ...counts },
    usage: {
      calls: spent.calls,
      input_tokens: spent.inputTokens,
      cached_input_tokens: cached,
      output_tokens: spent.outputTokens,
      reasoning_tokens: reasoning,
      cost_usd: priced ? spent.usd : null,
      cache_hits: cacheHits,
    },
    items: [...tallies.values()].map((t) => t.report(spec.design.arms.map((a) => a.name))),
    failures: {
      jobs: failedJobs.size,
      reasons: [...reasons]
        .map(([reason, jobs]) => ({ reason, jobs: jobs.size }))
        .sort((a, b) => b.jobs - a.jobs || a.reason.localeCompare(b.reason))
        .slice(0, TOP_REASONS),
    },
    calibration,
    notes,
  };
}

/** The map's value for key, created by `make` the first time. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Answer counts of one item, per arm. */
class ItemTally {
  ok = 0;
  failed = 0;
  readonly counts = new Map<string, Map<string, number>>();
  readonly numbers = new Map<string, number[]>();
  readonly question: Question;
  constructor(question: Question) {
    this.question = question;
  }

  add(arm: string, answer: string | number | null): void {
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
  }

  report(armOrder: string[]): ItemReport {
    const q = this.question;
    const out: ItemReport = { item: q.id, type: q.type, text: q.text, ok: this.ok, failed: this.failed };
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
    if (this.numbers.size > 0) {
      out.numeric = arms
        .filter((a) => this.numbers.has(a))
        .map((arm) => summarize(arm, this.numbers.get(arm)!));
      out.histogram = histogram(arms, this.numbers);
    }
    return out;
  }
}

function summarize(arm: string, xs: number[]): NumericSummary {
  const sorted = xs.toSorted((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const ss = sorted.reduce((s, x) => s + (x - mean) ** 2, 0);
  const mid = Math.floor(n / 2);
  return {
    arm,
    n,
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
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

function estimandText(plan: CalibrationSpec): string {
  return plan.estimand === "ate"
    ? `average treatment effect of ${plan.treated} vs. ${plan.control} on ${plan.item}`
    : `mean of ${plan.item}`;
}

function calibrationReport(
  opts: StudyReportOptions,
  plan: CalibrationSpec | undefined,
  question: Question | undefined,
  sims: SimulatedValues,
): CalibrationReport {
  if (!plan) {
    return {
      status: "none",
      confirmatory: false,
      statement: `${NOTHING_CALIBRATED} (the study has no calibration plan; it is exploratory).`,
      plan: null,
      human_data: null,
    };
  }
  const file = opts.humanData ?? (plan.human_data ? resolve(opts.baseDir ?? ".", plan.human_data) : null);
  const fail = (reason: string): CalibrationReport => ({
    status: "not_computed",
    confirmatory: plan.confirmatory,
    statement: `${NOTHING_CALIBRATED}: ${reason}.`,
    plan,
    human_data: file,
    reason,
  });
  const missing = (["human_data", "estimand", "item", "outcome"] as const).filter(
    (k) => plan[k] === undefined,
  );
  if (missing.length > 0 && !(missing.length === 1 && missing[0] === "human_data" && opts.humanData)) {
    return fail(`the calibration plan does not name ${missing.join(", ")}`);
  }
  if (!question) return fail(`the plan's item "${plan.item}" is not an item of this study`);
  if (question.type === "free_text") return fail(`the plan's item "${plan.item}" is free text`);
  const uncovered = uncoveredOptions(question, plan.values);
  if (uncovered.length > 0) {
    return fail(
      `calibration.values gives no number to ${uncovered.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  }
  try {
    const human = readHumanData(file!, plan, question);
    for (const [group, n] of Object.entries(labeledCounts(plan, human))) {
      if (n < 2)
        return fail(`the human data has ${n} outcomes${group === "all" ? "" : ` in arm "${group}"`}`);
    }
    const firstArm = opts.spec.design.arms[0].name;
    const estimates = calibratePlan(plan, human, sims, firstArm, opts.spec.seed);
    const which = `Calibrated (PPI++, α = ${plan.alpha}): ${estimandText(plan)}.`;
    const rest = "Not calibrated: every other figure in this report (simulated answers only).";
    const kind = plan.confirmatory
      ? "The plan and human data were named before the run (confirmatory)."
      : "The plan is exploratory (not marked confirmatory), so this estimate is exploratory too.";
    return {
      status: "calibrated",
      confirmatory: plan.confirmatory,
      statement: `${which} ${rest} ${kind}`,
      plan,
      human_data: file,
      estimates,
    };
  } catch (error) {
    // Too few people, a missing file or column: the report still renders and says why.
    if (error instanceof UserError) return fail(error.message);
    throw error;
  }
}

// ---- the page ----------------------------------------------------------------------------

const num = (x: number | null, digits = 3): string | number | null =>
  x === null ? null : Number(x.toFixed(digits));

/** The report as a page: run facts, answers per item, failures, calibration. */
export function studyReportDoc(report: StudyReport): ReportDoc {
  const { run, model, jobs, usage } = report;
  const sections: ReportSection[] = [
    {
      heading: "Run",
      table: {
        columns: ["", "value"],
        rows: [
          ["study", `${report.study.name} (version ${report.study.version})`],
          ["run", `${run.id} (${run.status})`],
          ["model", model.label ? `${model.id}: ${model.label}` : model.id],
          ["elicitation", run.mode],
          ["jobs", `${jobs.total} (ok ${jobs.ok}, failed ${jobs.failed}, pending ${jobs.pending})`],
          ["model calls", String(usage.calls)],
          [
            "tokens",
            `input ${usage.input_tokens} (cached ${usage.cached_input_tokens}), output ${usage.output_tokens}, reasoning ${usage.reasoning_tokens}`,
          ],
          [
            "cost (USD)",
            usage.cost_usd === null ? "unknown (a model without a price)" : usage.cost_usd.toFixed(4),
          ],
          ["cache hits", String(usage.cache_hits)],
        ],
      },
      paragraphs: report.study.description ? [report.study.description] : undefined,
    },
    answersSection(report),
    {
      heading: "Failures",
      ...(report.failures.jobs === 0
        ? { paragraphs: ["No job failed."] }
        : {
            paragraphs: [`${report.failures.jobs} jobs failed. The most common reasons:`],
            table: {
              columns: ["reason", "jobs"],
              rows: report.failures.reasons.map((r) => [r.reason, r.jobs]),
            },
          }),
    },
    calibrationSection(report.calibration),
  ];
  return {
    title: `Study report: ${report.study.name}`,
    subtitle: `run ${run.id} · ${model.id}`,
    notes: report.notes,
    sections,
  };
}

function answersSection(report: StudyReport): ReportSection {
  const multiArm =
    new Set(report.items.flatMap((i) => (i.answers ?? i.histogram ?? []).map((a) => a.arm))).size > 1;
  const plots: PlotSpec[] = [];
  const rows = report.items.map((item) => {
    let summary = "";
    if (item.numeric) {
      summary = item.numeric
        .map(
          (s) => `${multiArm ? `${s.arm}: ` : ""}mean ${fmt3(s.mean)}, median ${fmt3(s.median)} (n ${s.n})`,
        )
        .join("; ");
    } else if (item.answers) {
      const top = item.answers.toSorted((a, b) => b.count - a.count)[0];
      summary = `most common: ${top.answer}`;
    }
    const shares = item.answers ?? item.histogram;
    if (shares) {
      plots.push({
        kind: "bars",
        title: `${item.item}: ${short(item.text)}`,
        valueLabel: "share of valid answers",
        domain: [0, 1],
        data: shares.map((s) => ({
          label: s.answer,
          value: s.share,
          ...(multiArm ? { series: s.arm } : {}),
        })),
      });
    }
    return [item.item, item.type, item.ok, item.failed, summary];
  });
  return {
    heading: "Answers",
    paragraphs: ["Simulated answers, not calibrated. Shares are of each item's valid answers."],
    table: { columns: ["item", "type", "valid", "failed", "summary"], rows },
    plots,
  };
}

/** Plot titles stay on one or two lines; the GSS question texts can run to a paragraph. */
function short(text: string): string {
  return text.length > 110 ? `${text.slice(0, 107).trimEnd()}…` : text;
}

function fmt3(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}

function calibrationSection(c: CalibrationReport): ReportSection {
  const paragraphs = [c.statement];
  const e = c.estimates;
  if (!e) return { heading: "Calibration", paragraphs };
  const per = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([arm, n]) => (e.estimand === "ate" ? `${n} (${arm})` : String(n)))
      .join(", ");
  paragraphs.push(
    `Human data: ${c.human_data} (column ${e.outcome}). Labeled people (human and simulated answer): ${per(e.n_labeled)}; ` +
      `simulated-only agents: ${per(e.n_unlabeled)}.` +
      (e.human_not_in_run
        ? ` ${e.human_not_in_run} human outcomes belong to no agent of this run and are not used.`
        : "") +
      (e.imputed
        ? ` ${e.imputed} agents had no valid simulated answer and were given the arm's mean simulated answer.`
        : ""),
  );
  if (e.estimand === "ate") {
    paragraphs.push(
      "Agents without a human outcome are split at random between the two arms, so the arms are independent samples.",
    );
  }
  const lambda =
    typeof e.ppi_plus_plus.lambda === "number"
      ? num(e.ppi_plus_plus.lambda)
      : Object.entries(e.ppi_plus_plus.lambda)
          .map(([arm, l]) => `${arm} ${l.toFixed(3)}`)
          .join(", ");
  const rows: [string, Interval, string | number | null][] = [
    ["PPI++ (calibrated)", e.ppi_plus_plus, lambda],
    ["human only (classical)", e.classical, 0],
    ["classic PPI", e.ppi, 1],
    ["simulated only (not calibrated)", e.simulated, null],
  ];
  const level = `${Math.round((1 - e.alpha) * 1000) / 10}%`;
  return {
    heading: "Calibration",
    paragraphs,
    table: {
      columns: ["estimate", "value", "SE", `${level} lower`, `${level} upper`, "λ"],
      rows: rows.map(([name, i, l]) => [name, num(i.estimate), num(i.se), num(i.lower), num(i.upper), l]),
      caption:
        "The simulated-only interval treats simulated answers as if they were people's: it ignores the simulator's bias and is not valid.",
    },
    plots: [
      {
        kind: "intervals",
        title: `${estimandText(c.plan!)}, ${level} intervals`,
        data: rows.map(([name, i]) => ({
          label: name,
          estimate: i.estimate,
          lower: i.lower,
          upper: i.upper,
        })),
        ...(e.estimand === "ate" ? { rule: 0 } : {}),
      },
    ],
  };
}
