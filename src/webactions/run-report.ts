/**
 * The report of a stored web-action run: its predictions scored against the sessions it asked
 * (accuracy, outcome F1, the action-kind distribution), per arm and replicate, with what the run
 * cost. The same metrics and report sections as `populace webactions score`.
 */
import { resolve } from "node:path";
import type { ReportDoc, ReportSection } from "../report/index.ts";
import type { StudySpec } from "../spec/index.ts";
import { webActionsOf } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { scoreWebActions, type WebActionScore } from "./metrics.ts";
import { webActionsReport } from "./report.ts";
import { checkRunSessions, runPredictions } from "./results.ts";
import { readSessions } from "./session.ts";

export interface ScoredSet extends WebActionScore {
  arm: string;
  replicate: number;
  /** Test cases whose answer stayed invalid after the repairs (counted as missing). */
  n_failed: number;
}

export interface WebActionsRunReport {
  study: { name: string; version: string; description: string | null };
  run: { id: string; status: string; created_at: string; updated_at: string };
  model: { id: string; kind: string; note: string | null };
  sessions: string;
  jobs: { total: number; ok: number; failed: number; pending: number };
  usage: { calls: number; input_tokens: number; output_tokens: number; cost_usd: number | null };
  scores: ScoredSet[];
  notes: string[];
}

/** Models whose answers are the mock LLM server's (a test double), by how the mock names them. */
export function isMockModel(id: string): boolean {
  return /#mock$/.test(id) || id.includes(":org-populace-mock:");
}

export const MOCK_NOTE =
  "Answers come from the mock LLM server: a test double's seeded picks among the page's actions, not a language model's behaviour.";

export interface RunScores {
  /** Every arm × replicate of the run, in plan order. */
  scores: ScoredSet[];
  /** Sessions not run yet. */
  pending: number;
  /** False when some answer's cost is unknown. */
  priced: boolean;
}

/**
 * Scores every arm × replicate of a web-action run against the sessions file it was given (the
 * sessions it asked, each unchanged since: a missing or edited one is an error).
 */
export async function scoreWebActionsRun(
  store: Store,
  runId: string,
  sessionsFile: string,
): Promise<RunScores> {
  const truth = readSessions(sessionsFile);
  const stored = await runPredictions(store, runId);
  checkRunSessions(stored, runId, sessionsFile, truth.sessions, truth.lines);
  // Each set against the sessions it asked (between subjects, an arm's shoppers' sessions only).
  const scores = stored.sets.map(
    (set): ScoredSet => ({
      arm: set.arm,
      replicate: set.replicate,
      n_failed: set.failed,
      ...scoreWebActions(
        truth.sessions.filter((s) => set.sessions.has(s.session)),
        set.predictions,
      ),
    }),
  );
  return { scores, pending: stored.pending, priced: stored.priced };
}

/** The report of a stored run; its sessions file is read from the spec's folder (`baseDir`). */
export async function buildWebActionsReport(opts: {
  store: Store;
  run: RunRecord;
  spec: StudySpec;
  baseDir?: string;
}): Promise<WebActionsRunReport> {
  const { store, run, spec } = opts;
  const web = webActionsOf(spec.instrument);
  if (!web) throw new Error(`internal error: run ${run.id} is not a web-action study`);
  const file = resolve(opts.baseDir ?? ".", web.sessions);
  const { scores, priced } = await scoreWebActionsRun(store, run.id, file);
  const counts = await store.jobCounts(run.id);
  const spent = await store.spending(run.id);
  const notes: string[] = [];
  const note = isMockModel(run.modelId) ? MOCK_NOTE : null;
  if (note) notes.push(note);
  if (counts.pending > 0) {
    notes.push(
      `The run is not complete (${counts.pending} sessions pending, status ${run.status}): their test cases count as missing.`,
    );
  }
  return {
    study: { name: spec.name, version: run.studyId, description: spec.description ?? null },
    run: { id: run.id, status: run.status, created_at: run.createdAt, updated_at: run.updatedAt },
    model: { id: run.modelId, kind: run.modelKind, note },
    sessions: file,
    jobs: { total: counts.ok + counts.failed + counts.pending, ...counts },
    usage: {
      calls: spent.calls,
      input_tokens: spent.inputTokens,
      output_tokens: spent.outputTokens,
      cost_usd: priced ? spent.usd : null,
    },
    scores,
    notes,
  };
}

export function webActionsRunDoc(r: WebActionsRunReport): ReportDoc {
  const several = r.scores.length > 1;
  const sections: ReportSection[] = [
    {
      heading: "Run",
      table: {
        columns: ["figure", "value"],
        rows: [
          ["model", r.model.id],
          ["sessions file", r.sessions],
          ["sessions (jobs): ok / failed / pending", `${r.jobs.ok} / ${r.jobs.failed} / ${r.jobs.pending}`],
          ["model calls (repairs included)", r.usage.calls],
          ["tokens in / out", `${r.usage.input_tokens} / ${r.usage.output_tokens}`],
          ["cost (USD)", r.usage.cost_usd === null ? "unknown (no price for the model)" : r.usage.cost_usd],
        ],
      },
    },
  ];
  if (several) {
    sections.push({
      heading: "Arms and replicates",
      table: {
        columns: ["arm", "replicate", "accuracy", "outcome F1 purchase", "outcome F1 terminate", "missing"],
        rows: r.scores.map((s) => [
          s.arm,
          s.replicate,
          s.accuracy,
          s.outcome_f1_purchase,
          s.outcome_f1_terminate,
          s.n_missing,
        ]),
      },
    });
  }
  for (const s of r.scores) {
    const doc = webActionsReport(s, { labels: { human: "shoppers", predicted: "model" } });
    const prefix = several ? `${s.arm}, replicate ${s.replicate}: ` : "";
    for (const section of doc.sections) {
      if (section.heading === "Summary" && s.n_failed > 0) {
        section.paragraphs = [
          ...(section.paragraphs ?? []),
          `${s.n_failed} test cases stayed invalid after the repairs; they count as missing predictions.`,
        ];
      }
      sections.push({ ...section, heading: prefix + section.heading });
    }
  }
  return {
    title: `Web-action study: ${r.study.name}`,
    subtitle: `run ${r.run.id} (${r.run.status}) · model ${r.model.id}`,
    notes: r.notes,
    sections,
  };
}
