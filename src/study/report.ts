import { decodeStoredRow, splitStoredArm } from "../designs/modes/index.ts";
import { type StudySpec, surveyOf } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { conditionedArm } from "./conditioned-stages.ts";
import { type ConditioningsReport, conditioningsReport, type HumanAnswers } from "./conditionings-report.ts";
import { answerValue, type SimulatedValues } from "./confirmatory.ts";
import { studyInstrument } from "./instrument.ts";
import { studyConditionings } from "./population.ts";
import { REFLECTIONS_ARM } from "./reflection-stages.ts";
import { type CalibrationReport, calibrationReport } from "./report-calibration.ts";
import {
  type ConjointReport,
  type DesignReport,
  experimentReport,
  type GameReport,
} from "./report-experiment.ts";
import { entry, type ItemReport, ItemTally } from "./report-items.ts";
import { GSS_REFERENCE_SOURCE, gssReferences } from "./report-reference.ts";

/**
 * The report of one stored run: what was asked of which model, what it cost, how the simulated
 * people answered per item and arm (with means, differences between arms and a human reference
 * where there is one), what failed and why, and, when the study has a calibration plan, the PPI++
 * estimate beside the human-only and simulated-only ones, with a plain statement of what is
 * calibrated. The page is report-page.ts, the terminal text report-text.ts.
 */

export type { CalibrationReport } from "./report-calibration.ts";
export { NOTHING_CALIBRATED } from "./report-calibration.ts";
export type { AnswerShare, ArmDifference, ItemReport, MeanSummary } from "./report-items.ts";
export type { HumanReference } from "./report-reference.ts";

export const BASELINE_MODEL_LABEL = "answers drawn from real human data; not a language model";
const INSTANT_MODEL_LABEL = "in-process test model answering at random; not a language model";
const MOCK_MODEL_LABEL =
  "Populace's mock LLM server, a test double answering from a seeded policy; not a language model's behaviour";
/** The mock server's system fingerprint (src/mock-llm), as stored in each answer's model snapshot. */
const MOCK_SNAPSHOT = /(^|\/)fp_mock_/;
const TOP_REASONS = 10;

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
  /** People's own answers to set each arm of conditioning against. */
  human?: HumanAnswers;
}

export interface StudyReport {
  study: { name: string; version: string; description: string | null };
  run: { id: string; status: string; mode: string; created_at: string; updated_at: string };
  model: { id: string; kind: string; label: string | null };
  /**
   * The design's arms, first one the reference of the differences; under several conditionings,
   * each arm under each (`control·interview`).
   */
  arms: { name: string; text: string }[];
  /** How people met the arms: within subjects (all of them) or between (one each, seeded), with the people per arm. */
  assignment: { subjects: "within" | "between"; block_on: string[]; people_per_arm: Record<string, number> };
  jobs: { total: number; ok: number; failed: number; pending: number };
  usage: {
    /** Model calls that returned an answer (what `run` counts as calls), repairs included. */
    calls: number;
    /** Call attempts that failed (rate limits, timeouts, errors), retried or not. */
    failed_attempts: number;
    input_tokens: number;
    cached_input_tokens: number;
    output_tokens: number;
    reasoning_tokens: number;
    /** null when some call's model has no price. */
    cost_usd: number | null;
    /** Jobs answered from the cache without a model call (a failed job is never one). */
    cache_hits: number;
  };
  items: ItemReport[];
  failures: { jobs: number; reasons: { reason: string; jobs: number }[] };
  calibration: CalibrationReport;
  /** A design run: its modes, the probe's diagnostics and (demand) the curves side by side. */
  design?: DesignReport;
  /** A game: groups, people left over, each role's moves and earnings. */
  game?: GameReport;
  /** A conjoint study: the AMCEs from the run and the repeated task's agreement. */
  conjoint?: ConjointReport;
  /** Each arm of conditioning side by side (runs under several, or with human answers given). */
  conditionings: ConditioningsReport | null;
  notes: string[];
}

export function modelLabel(kind: string, mockServer = false): string | null {
  if (kind === "baseline") return `statistical baseline (${BASELINE_MODEL_LABEL})`;
  if (kind === "instant") return INSTANT_MODEL_LABEL;
  if (mockServer) return MOCK_MODEL_LABEL;
  return null;
}

/** Reads the run's responses once (streamed) and assembles the report. */
export async function buildStudyReport(opts: StudyReportOptions): Promise<StudyReport> {
  const { store, run, spec } = opts;
  const instrument = studyInstrument(spec, opts.dataDir);
  const questions = instrument.questions;
  const byId = new Map(questions.map((q) => [q.id, q]));
  const design = instrument.kind === "design" ? instrument.experiment : undefined;
  // Several design modes in one run: each item is tallied per mode, its arms without the mode.
  const severalModes = (design?.modes.length ?? 0) > 1;
  const plan = spec.calibration;
  const planQuestion = plan?.item ? byId.get(plan.item) : undefined;

  const tallies = new Map<string, ItemTally>();
  if (design && severalModes) {
    for (const mode of design.modes)
      for (const q of questions)
        tallies.set(`${q.id} (${mode})`, new ItemTally({ ...q, id: `${q.id} (${mode})` }));
  } else for (const q of questions) tallies.set(q.id, new ItemTally(q));
  const sims: SimulatedValues = new Map();
  const peoplePerArm = new Map<string, Set<string>>();
  const reasons = new Map<string, Set<string>>();
  const cachedJobs = new Set<string>();
  let cached = 0;
  let reasoning = 0;
  let priced = true;
  let mockServer = false;
  for await (const r of store.responses(run.id)) {
    if (r.modelSnapshot !== null && MOCK_SNAPSHOT.test(r.modelSnapshot)) mockServer = true;
    // Expert reflections are not answers to the instrument (the conditionings section counts their
    // cost); their failures are failures all the same.
    if (!r.arm.startsWith(REFLECTIONS_ARM)) {
      // A design's call over every arm is stored under one arm: read back to the arm of each answer.
      let { arm, item } = design ? decodeStoredRow(r.arm, r.item) : r;
      if (severalModes) {
        const split = splitStoredArm(arm);
        arm = split.arm;
        item = `${item} (${split.mode})`;
      }
      let tally = tallies.get(item);
      if (!tally) {
        // An item no longer in the spec (should not happen: the spec is the run's own).
        tally = new ItemTally({ id: item, type: "free_text", text: "" });
        tallies.set(item, tally);
      }
      entry(peoplePerArm, arm, () => new Set<string>()).add(r.agentId);
      tally.add(
        arm,
        r.status === "ok" ? r.answer : null,
        r.status === "ok" ? r.probabilities : null,
        r.status === "skipped",
      );
    }
    cached += r.cachedInputTokens;
    reasoning += r.reasoningTokens;
    if (r.costUsd === null) priced = false;
    if (r.cacheHit && r.status === "ok") cachedJobs.add(r.jobId);
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
  const outcomes = await store.callOutcomes(run.id);
  const failedJobs = new Set<string>();
  for (const jobs of reasons.values()) for (const j of jobs) failedJobs.add(j);
  const notes: string[] = [];
  const label = modelLabel(run.modelKind, mockServer);
  if (label) notes.push(`Model: ${label}.`);
  // Under several conditionings (surveys only), each arm under each.
  const conditionings = studyConditionings(spec.population, undefined);
  const arms = design
    ? design.design.arms.map((a) => ({ name: a.name, text: a.text }))
    : spec.design.arms.flatMap((a) =>
        conditionings.map((c) => ({ name: conditionedArm(a.name, c), text: a.text })),
      );
  if (arms.length > 1 && (run.modelKind === "baseline" || run.modelKind === "instant")) {
    notes.push(
      `${run.modelKind === "baseline" ? "The statistical baseline" : "The instant test model"} does not read the arm texts: ` +
        "every arm is answered the same way, so differences between arms here are chance alone, not effects of the texts.",
    );
  }
  if (counts.pending > 0) {
    notes.push(
      `The run is not complete (${counts.pending} jobs pending, status ${run.status}): figures cover finished jobs only.`,
    );
  }
  const gss = (surveyOf(spec.instrument)?.items ?? []).flatMap((item) =>
    "gss" in item ? [byId.get(item.gss)!] : [],
  );
  const { references, missing } = gssReferences(gss, opts.dataDir);
  if (missing) notes.push(`No human reference distributions: ${missing}.`);
  else if (references.size > 0 && run.modelKind === "baseline") {
    notes.push(
      `The human reference (${GSS_REFERENCE_SOURCE}) is where the statistical baseline draws its answers from, so the two agree by construction.`,
    );
  }
  const calibration = calibrationReport(opts, plan, planQuestion, sims);
  notes.push(calibration.statement);
  if (design) notes.push(...design.notes);
  const experiment = await experimentReport(store, run, instrument);
  const armOrder = arms.map((a) => a.name);
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
    arms,
    assignment: {
      subjects: spec.design.assignment ?? "within",
      block_on: spec.design.block_on ?? [],
      people_per_arm: Object.fromEntries(arms.map((a) => [a.name, peoplePerArm.get(a.name)?.size ?? 0])),
    },
    jobs: { total: counts.ok + counts.failed + counts.pending, ...counts },
    usage: {
      calls: outcomes.ok ?? 0,
      failed_attempts: Object.entries(outcomes).reduce(
        (n, [outcome, k]) => (outcome === "ok" ? n : n + k),
        0,
      ),
      input_tokens: spent.inputTokens,
      cached_input_tokens: Math.round(cached),
      output_tokens: spent.outputTokens,
      reasoning_tokens: reasoning,
      cost_usd: priced ? spent.usd : null,
      cache_hits: cachedJobs.size,
    },
    items: [...tallies.values()]
      // Several modes: an item a mode does not ask (the aggregate mode's share, the others' outcome) is left out.
      .filter((t) => !severalModes || t.ok + t.failed > 0)
      .map((t) => t.report(armOrder, references.get(t.question.id))),
    failures: {
      jobs: failedJobs.size,
      reasons: [...reasons]
        .map(([reason, jobs]) => ({ reason, jobs: jobs.size }))
        .sort((a, b) => b.jobs - a.jobs || a.reason.localeCompare(b.reason))
        .slice(0, TOP_REASONS),
    },
    calibration,
    ...experiment,
    conditionings: await conditioningsReport(store, run, spec, questions, opts.human),
    notes,
  };
}
