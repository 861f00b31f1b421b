import type { JobList } from "../designs/index.ts";
import { promptTokens, RequestBuilder, type RequestSettings } from "../engine/index.ts";
import { questionRequest, systemPrompt } from "../llm/index.ts";
import type { ModelRequest, Usage } from "../llm/types.ts";
import { communityBounds } from "../simulacra/index.ts";
import type { CommunitySpec } from "../spec/index.ts";

export interface Estimate {
  jobs: number;
  calls: number;
  inputTokens: number;
  maxOutputTokens: number;
  /** Worst case (every call uses its maximum output), null when the model has no price. */
  maxCostUsd: number | null;
  priceNote?: string;
  /** The sequential flow: calls and tokens are upper bounds (skip and stop rules ask fewer). */
  upperBound?: boolean;
}

/** Tokens a short answer adds to the conversation in the sequential flow (`{"answers": {…}}`). */
const ANSWER_TOKENS = 12;
const SLICE = 8192;

/**
 * What the pending jobs would cost, computed from the requests they would make, without calling
 * the model or writing anything. Batch jobs: each job's request as the run would build it. The
 * sequential flow: one call per item, each carrying the conversation so far (questions plus short
 * answers), so the estimate is an upper bound.
 */
export function estimateRun(
  pending: JobList,
  settings: RequestSettings,
  price: (usage: Usage) => number | null,
  sequential: boolean,
): Estimate {
  const { estimate, add } = tally(pending.length, price);
  const requests = new RequestBuilder(settings);
  // One question's prompt part per item, the same for everyone (the arm's text is on turn one only).
  const turnTokens = new Map<string, { input: number; output: number }>();
  const turnOf = (item: string) => {
    let t = turnTokens.get(item);
    if (!t) {
      const q = settings.questions.get(item)!;
      const part = questionRequest([q], settings.mode);
      const { user, ...rest } = part;
      t = {
        input: promptTokens({ ...rest, messages: [{ role: "user", content: user }] }),
        output: part.maxOutputTokens ?? settings.maxOutputTokens,
      };
      turnTokens.set(item, t);
    }
    return t;
  };
  // A slice at a time, so a large plan is never held whole.
  for (let start = 0; start < pending.length; start += SLICE) {
    for (const job of pending.slice(start, start + SLICE)) {
      if (!sequential) {
        const request = requests.request(job);
        add(promptTokens(request), request.maxOutputTokens ?? settings.maxOutputTokens);
        continue;
      }
      const profile = settings.agents.get(job.agentId)!.profile;
      const arm = settings.arms.get(job.arm) ?? "";
      let context = promptTokens({ messages: [{ role: "system", content: systemPrompt(profile) }] });
      context += Math.ceil(arm.length / 4);
      for (const item of job.items) {
        const turn = turnOf(item);
        add(context + turn.input, turn.output);
        context += turn.input + ANSWER_TOKENS;
      }
    }
  }
  if (sequential) estimate.upperBound = true;
  return estimate;
}

/** An empty estimate of `jobs` jobs, and how to add one call's tokens to it. */
function tally(jobs: number, price: (usage: Usage) => number | null) {
  const estimate: Estimate = { jobs, calls: 0, inputTokens: 0, maxOutputTokens: 0, maxCostUsd: 0 };
  const add = (input: number, output: number) => {
    estimate.calls++;
    estimate.inputTokens += input;
    estimate.maxOutputTokens += output;
    const cost = price({
      inputTokens: input,
      cachedInputTokens: 0,
      outputTokens: output,
      reasoningTokens: 0,
    });
    estimate.maxCostUsd = cost === null || estimate.maxCostUsd === null ? null : estimate.maxCostUsd + cost;
  };
  return { estimate, add };
}

/**
 * The estimate of episodes whose requests are known in advance (the web-action task: each turn's
 * request is built from the session alone), counting tool definitions with the prompt.
 */
export function estimateRequests(
  pending: JobList,
  requestsOf: (job: ReturnType<JobList["slice"]>[number]) => ModelRequest[],
  price: (usage: Usage) => number | null,
  defaultMaxOutput: number,
): Estimate {
  const { estimate, add } = tally(pending.length, price);
  for (let start = 0; start < pending.length; start += SLICE) {
    for (const job of pending.slice(start, start + SLICE)) {
      for (const request of requestsOf(job)) {
        const tools = request.tools ? Math.ceil(JSON.stringify(request.tools).length / 4) : 0;
        add(promptTokens(request) + tools, request.maxOutputTokens ?? defaultMaxOutput);
      }
    }
  }
  return estimate;
}

/**
 * A community's worst case: every thread replied to max_replies times, every reply shown
 * context_chars of its thread, the personas job making its most calls.
 */
export function estimateCommunity(
  community: CommunitySpec,
  maxOutputTokens: number,
  price: (usage: Usage) => number | null,
): Estimate {
  const b = communityBounds(community, maxOutputTokens);
  return {
    jobs: 1 + 2 * community.threads,
    calls: b.calls,
    inputTokens: b.inputTokens,
    maxOutputTokens: b.maxOutputTokens,
    maxCostUsd: price({
      inputTokens: b.inputTokens,
      cachedInputTokens: 0,
      outputTokens: b.maxOutputTokens,
      reasoningTokens: 0,
    }),
    upperBound: true,
  };
}
