import type { Progress, StagesSummary } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import { costOf, loadPriceTable, missingPriceNote } from "../llm/index.ts";
import type { LanguageModel, Usage } from "../llm/types.ts";
import {
  type BranchRequest,
  checkRequest,
  communityStages,
  MAIN,
  type RequestJobs,
  readCommunity,
} from "../simulacra/index.ts";
import { communityOf, type StudySpec, studySchema } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { executeStages } from "./execute.ts";
import { resolveModel } from "./models.ts";

export interface BranchOptions {
  store: Store;
  runId: string;
  request: BranchRequest;
  dataDir: string;
  /** The model to ask instead of the run's (e.g. the mock LLM server on another port). */
  modelId?: string;
  /** A ready model (tests); takes precedence over ids. */
  model?: LanguageModel;
  concurrency?: number;
  budgetUsd?: number;
  pricesFile?: string;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface BranchResult {
  run: RunRecord;
  /** The branch (or community iteration) ids the request made or had made before. */
  branches: string[];
  /** True when the run already held this request (its branches were not made again). */
  existing: boolean;
  summary: StagesSummary;
  notes: string[];
}

/** The community spec of a stored run, or a UserError saying why the run has none. */
export async function communityRun(
  store: Store,
  runId: string,
): Promise<{ run: RunRecord; spec: StudySpec }> {
  const run = await store.getRun(runId);
  if (!run) {
    const runs = (await store.listRuns()).map((r) => r.id);
    throw new UserError(`no run "${runId}" (runs: ${runs.join(", ") || "none"})`);
  }
  const study = await store.getStudy(run.studyId);
  const parsed = studySchema.safeParse(study?.spec);
  if (!parsed.success || !communityOf(parsed.data.instrument)) {
    throw new UserError(
      `run ${runId} is not a community (its study "${run.studyName}" has no instrument.community)`,
    );
  }
  return { run, spec: parsed.data };
}

/**
 * Adds a WhatIf or Multiverse to a community run and makes its branches through the engine
 * (cached, budgeted, rate limited, resumable: rerun the same request to finish it). The
 * community itself must be complete: a branch grows from what is there.
 */
export async function branchCommunity(o: BranchOptions): Promise<BranchResult> {
  const { store } = o;
  const { run, spec } = await communityRun(store, o.runId);
  const community = communityOf(spec.instrument)!;
  const c = await readCommunity(store, run.id);
  // Iterations of an earlier Multiverse may be unfinished (this run resumes them); the main community must be there.
  const main = c.jobs.filter(
    (j) => j.inputs.iteration === MAIN && j.inputs.kind !== "whatif" && j.inputs.kind !== "multiverse",
  );
  const pending = main.filter((j) => j.job.status === "pending").length;
  if (pending > 0 || !main.some((j) => j.inputs.kind === "replies")) {
    throw new UserError(
      `run ${run.id}: the community is not generated yet${pending ? ` (${pending} jobs pending)` : ""}; finish it with populace run first`,
    );
  }
  checkRequest(c, o.request);
  const model =
    o.model ??
    resolveModel(o.modelId ?? run.modelId, {
      dataDir: o.dataDir,
      seed: spec.seed,
      timeoutMs: spec.model.timeout_ms,
    });
  const table = loadPriceTable(o.pricesFile);
  const priceNote = model.kind === "llm" ? missingPriceNote(model.id, table) : undefined;
  const budgetUsd = o.budgetUsd ?? spec.budget?.usd;
  if (budgetUsd !== undefined && priceNote) {
    throw new UserError(
      `${priceNote}: cannot enforce the budget; add the model to a price table (--prices FILE)`,
    );
  }
  const price = (usage: Usage): number | null => (model.kind === "llm" ? costOf(model.id, usage, table) : 0);
  let requested: RequestJobs | undefined;
  const executed = await executeStages({
    store,
    run,
    resumed: true,
    entry: { model, price },
    stages: (entry) =>
      communityStages({
        runId: run.id,
        store,
        community,
        seed: spec.seed,
        maxOutputTokens: spec.model.max_output_tokens,
        entry,
        request: o.request,
        onRequest: (r) => {
          requested = r;
        },
      }),
    concurrency: o.concurrency,
    budgetUsd,
    budgetCalls: spec.budget?.calls,
    rpm: spec.model.rpm,
    tpm: spec.model.tpm,
    stop: o.stop,
    abort: o.abort,
    onProgress: o.onProgress,
  });
  const notes = priceNote ? [priceNote, ...executed.notes] : executed.notes;
  if (model.id !== run.modelId) notes.push(`asked ${model.id} (the run was generated with ${run.modelId})`);
  return {
    run: executed.run,
    branches: requested?.branches ?? [],
    existing: requested?.existing ?? false,
    summary: executed.summary,
    notes,
  };
}
