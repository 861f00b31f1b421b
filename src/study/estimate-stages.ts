import type { JobList } from "../designs/index.ts";
import type { Usage } from "../llm/types.ts";
import type { Store } from "../store/types.ts";
import type { StudyStage } from "./conditioned-stages.ts";
import { type Estimate, estimateRun } from "./estimate.ts";
import type { StudyPlan } from "./stages.ts";

/**
 * The estimate of every stage of a study: a stage of an existing run by its pending jobs once it
 * has been planned, else by its whole plan; the reflection stage by its experts' requests, and
 * answering with reflections by its calls plus the observations' token budget.
 */
export async function estimateStages(
  stages: readonly StudyStage[],
  o: {
    store: Store | null;
    runId: string;
    price: (usage: Usage) => number | null;
    /** Prices an answering stage's question embeddings (ranking by embeddings). */
    embeddingPrice?: (usage: Usage) => number | null;
    plan: StudyPlan;
  },
): Promise<Estimate & { planned: number }> {
  const total: Estimate & { planned: number } = {
    planned: 0,
    jobs: 0,
    calls: 0,
    inputTokens: 0,
    maxOutputTokens: 0,
    maxCostUsd: 0,
  };
  for (const [index, stage] of stages.entries()) {
    total.planned += stage.planned.length;
    let pending: JobList = stage.planned;
    if (o.store) {
      const c = await o.store.jobCounts(o.runId, index);
      if (c.pending + c.ok + c.failed > 0) pending = await o.store.jobs(o.runId, "pending", index);
    }
    if (stage.reflections) {
      const e = empty(pending.length);
      for (const job of pending.slice(0, pending.length)) {
        for (const call of stage.reflections.calls(job)) {
          addTo(e, {
            ...empty(0),
            calls: 1,
            inputTokens: call.input,
            maxOutputTokens: call.output,
            maxCostUsd: call.price(usage(call.input, call.output)),
          });
        }
      }
      addTo(total, e);
      continue;
    }
    if (!stage.settings) continue;
    const e = estimateRun(pending, stage.settings, o.price, o.plan);
    if (stage.extraTokens) {
      // At most the budget's worth of observations in each call.
      const extra = stage.extraTokens * e.calls;
      e.inputTokens += extra;
      const cost = o.price(usage(extra, 0));
      e.maxCostUsd = e.maxCostUsd === null || cost === null ? null : e.maxCostUsd + cost;
    }
    if (stage.embedsQuestions && o.embeddingPrice) {
      // One embedding of the questions per call (the cache serves most of them).
      for (const job of pending.slice(0, pending.length)) {
        const chars = job.items.reduce(
          (n, id) => n + (stage.settings!.questions.get(id)?.text.length ?? 0),
          0,
        );
        const input = Math.ceil(chars / 4);
        addTo(e, {
          ...empty(0),
          calls: 1,
          inputTokens: input,
          maxCostUsd: o.embeddingPrice(usage(input, 0)),
        });
      }
    }
    addTo(total, e);
  }
  return total;
}

function empty(jobs: number): Estimate {
  return { jobs, calls: 0, inputTokens: 0, maxOutputTokens: 0, maxCostUsd: 0 };
}

function addTo(total: Estimate, e: Estimate): void {
  total.jobs += e.jobs;
  total.calls += e.calls;
  total.inputTokens += e.inputTokens;
  total.maxOutputTokens += e.maxOutputTokens;
  total.maxCostUsd =
    total.maxCostUsd === null || e.maxCostUsd === null ? null : total.maxCostUsd + e.maxCostUsd;
  if (e.upperBound) total.upperBound = true;
  if (e.basis) total.basis = e.basis;
}

function usage(input: number, output: number): Usage {
  return { inputTokens: input, cachedInputTokens: 0, outputTokens: output, reasoningTokens: 0 };
}
