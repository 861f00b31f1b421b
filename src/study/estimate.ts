import type { ConjointInputs } from "../conjoint/index.ts";
import { conjointTaskRequest } from "../designs/conjoint/index.ts";
import type { JobList, PlannedJob } from "../designs/index.ts";
import { promptTokens, RequestBuilder, type RequestSettings } from "../engine/index.ts";
import { type GameInputs, personSeats } from "../games/index.ts";
import {
  type GameParams,
  gameTurnRequest,
  type Move,
  maxAmount,
  moveKey,
  rounds,
  seats,
  statedMoves,
  steps,
} from "../instruments/games/index.ts";
import { questionRequest, systemPrompt } from "../llm/index.ts";
import type { ModelRequest, Usage } from "../llm/types.ts";
import { communityBounds } from "../simulacra/index.ts";
import type { CommunitySpec } from "../spec/index.ts";
import type { StudyPlan } from "./stages.ts";

export interface Estimate {
  jobs: number;
  calls: number;
  inputTokens: number;
  maxOutputTokens: number;
  /** Worst case (every call uses its maximum output), null when the model has no price. */
  maxCostUsd: number | null;
  priceNote?: string;
  /** Calls and tokens are upper bounds (the sequential flow's skip and stop rules ask fewer). */
  upperBound?: boolean;
  /** How the figures were reached when they are not exact, for the dry run's line. */
  basis?: string;
}

/** Tokens a short answer adds to a conversation (`{"answers": {…}}`, `{"choice": "A"}`). */
const ANSWER_TOKENS = 12;
/** Tokens an earlier round adds to a game's prompt (one line of history). */
const ROUND_LINE_TOKENS = 30;
const SLICE = 8192;

type Turn = { input: number; output: number };

/**
 * What the pending jobs would cost, computed from the requests they would make, without calling
 * the model or writing anything. Batch jobs: each job's request as the run would build it. The
 * sequential flow: one call per item, each carrying the conversation so far (questions plus short
 * answers), so the estimate is an upper bound. Designs: one call per job, as built. Games: one
 * call per person's move, each prompt as round one's plus a line per earlier round. Conjoint: one
 * call per task, each carrying the earlier tasks.
 */
export function estimateRun(
  pending: JobList,
  settings: RequestSettings,
  price: (usage: Usage) => number | null,
  plan: StudyPlan,
): Estimate {
  const { estimate, add } = tally(pending.length, price);
  const system = (agentId: string) =>
    promptTokens({
      messages: [{ role: "system", content: systemPrompt(settings.agents.get(agentId)!.profile) }],
    });
  const turns = turnsOf(plan, settings, system);
  // A slice at a time, so a large plan is never held whole.
  for (let start = 0; start < pending.length; start += SLICE) {
    for (const job of pending.slice(start, start + SLICE)) for (const t of turns(job)) add(t.input, t.output);
  }
  if (plan.kind === "survey" && plan.flow) estimate.upperBound = true;
  if (plan.kind === "game") estimate.basis = "tokens from round one's prompts plus a line per earlier round";
  return estimate;
}

/** Each job's calls with their tokens, as the plan's kind makes them. */
function turnsOf(
  plan: StudyPlan,
  settings: RequestSettings,
  system: (agentId: string) => number,
): (job: PlannedJob) => Turn[] {
  const out = settings.maxOutputTokens;
  switch (plan.kind) {
    case "survey": {
      if (!plan.flow) {
        const requests = new RequestBuilder(settings);
        return (job) => {
          const request = requests.request(job);
          return [{ input: promptTokens(request), output: request.maxOutputTokens ?? out }];
        };
      }
      // One question's prompt part per item, the same for everyone (the arm's text is on turn one only).
      const turnTokens = new Map<string, Turn>();
      const turnOf = (item: string) => {
        let t = turnTokens.get(item);
        if (!t) {
          const part = questionRequest([settings.questions.get(item)!], settings.mode);
          const { user, ...rest } = part;
          t = {
            input: promptTokens({ ...rest, messages: [{ role: "user", content: user }] }),
            output: part.maxOutputTokens ?? out,
          };
          turnTokens.set(item, t);
        }
        return t;
      };
      return (job) => {
        let context = system(job.agentId) + Math.ceil((settings.arms.get(job.arm) ?? "").length / 4);
        return job.items.map((item) => {
          const t = turnOf(item);
          const turn = { input: context + t.input, output: t.output };
          context += t.input + ANSWER_TOKENS;
          return turn;
        });
      };
    }
    case "design": {
      const perCall = new Map<string, Turn>();
      return (job) => {
        let t = perCall.get(job.arm);
        if (!t) {
          const call = plan.calls.get(job.arm)!;
          const part = questionRequest(call.questions, "generate", call.context);
          const { user, ...rest } = part;
          t = {
            input: promptTokens({ ...rest, messages: [{ role: "user", content: user }] }),
            output: part.maxOutputTokens ?? out,
          };
          perCall.set(job.arm, t);
        }
        return [{ input: system(job.agentId) + t.input, output: t.output }];
      };
    }
    case "game": {
      const g = plan.instrument.game;
      const moves = roundOneMoves(g);
      return (job) => {
        const inputs = job.inputs as unknown as GameInputs;
        if (inputs.unmatched) return [];
        const group = inputs.group;
        const calls: Turn[] = [];
        for (let round = 1; round <= rounds(g); round++) {
          for (const seat of personSeats(g)) {
            if (!moves.has(seat)) continue;
            const person = g.partner.type === "person" ? group[seat] : group[0];
            calls.push({
              input: system(person) + moves.get(seat)! + (round - 1) * ROUND_LINE_TOKENS,
              output: out,
            });
          }
        }
        return calls;
      };
    }
    case "conjoint": {
      const wording = plan.instrument.wording;
      return (job) => {
        const { tasks } = job.inputs as unknown as ConjointInputs;
        let context = system(job.agentId);
        return tasks.tasks.map((task) => {
          const r = conjointTaskRequest(tasks, task, wording);
          const user = promptTokens({ messages: [{ role: "user", content: r.user }], schema: r.schema });
          const turn = { input: context + user, output: out };
          context += user + ANSWER_TOKENS;
          return turn;
        });
      };
    }
    case "webactions":
    case "community":
      // Their requests are not built from settings: see estimateRequests and estimateCommunity.
      throw new Error(`internal error: a ${plan.kind} study is estimated by its own function`);
  }
}

/** The prompt tokens of each moving seat's first-round move (later movers see a middling earlier move). */
function roundOneMoves(g: GameParams): Map<number, number> {
  const out = new Map<number, number>();
  const earlier = statedMoves(g);
  for (const step of steps(g)) {
    for (const seat of step) {
      if (earlier.has(seat)) continue;
      const request = gameTurnRequest({ game: g, seat, round: 1, history: [], earlier: new Map(earlier) });
      out.set(
        seat,
        promptTokens({ messages: [{ role: "user", content: request.user }], schema: request.schema }),
      );
    }
    for (const seat of step) if (!earlier.has(seat)) earlier.set(seat, middling(g, seat, earlier));
  }
  return out;
}

function middling(g: GameParams, seat: number, earlier: ReadonlyMap<number, Move>): Move {
  const role = seats(g)[seat];
  const key = moveKey(g, role);
  if (key === "action") return { action: "cooperate" };
  if (key === "accept") return { accept: true };
  return { [key]: Math.floor(maxAmount(g, role, earlier) / 2) } as Move;
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
