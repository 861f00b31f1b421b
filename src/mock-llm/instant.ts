/**
 * An in-process model that answers any generate/distribution request validly, instantly, with the
 * mock server's policy. For benchmarks of everything except HTTP; it is not a language model.
 */
import type { LanguageModel, ModelRequest, ModelResponse } from "../llm/types.ts";
import {
  type AnswerPlan,
  chooseLetter,
  compilePlan,
  contentKey,
  estimateTokens,
  letteredOptions,
  requestRng,
} from "./policy.ts";

export interface InstantModelOptions {
  seed?: number | string;
  /** Default "instant:mock". */
  id?: string;
}

export function createInstantModel(opts: InstantModelOptions = {}): LanguageModel {
  const seed = String(opts.seed ?? 0);
  const id = opts.id ?? "instant:mock";
  // buildRequest reuses one schema object per question list, so this is a hit after the first call.
  const plans = new WeakMap<object, AnswerPlan>();
  const lettersCache = new Map<string, { letter: string; option: string }[]>();

  function answer(request: ModelRequest): ModelResponse {
    const messages = request.messages;
    const rng = requestRng(
      seed,
      contentKey(messages, request.seed === undefined ? "" : String(request.seed)),
    );
    let chars = 0;
    for (const m of messages) chars += m.content.length;
    let text: string;
    let firstTokenLogprobs: ModelResponse["firstTokenLogprobs"];
    if (request.schema) {
      const schema = request.schema.schema;
      let plan = plans.get(schema);
      if (!plan) {
        plan = compilePlan(schema, seed);
        plans.set(schema, plan);
      }
      let lastUser = "";
      for (let i = messages.length - 1; i >= 0; i--) {
        if (messages[i].role === "user") {
          lastUser = messages[i].content;
          break;
        }
      }
      text = JSON.stringify(plan.generate(rng, false, lastUser));
    } else {
      let lastUser = "";
      for (let i = messages.length - 1; i >= 0; i--) {
        if (messages[i].role === "user") {
          lastUser = messages[i].content;
          break;
        }
      }
      let offered = lettersCache.get(lastUser);
      if (!offered) {
        offered = letteredOptions(lastUser);
        if (lettersCache.size > 10_000) lettersCache.clear();
        lettersCache.set(lastUser, offered);
      }
      if (offered.length) {
        const choice = chooseLetter(seed, offered, rng, request.topLogprobs ?? 0, false);
        text = choice.letter;
        if (request.topLogprobs) firstTokenLogprobs = choice.top;
      } else {
        text = "It depends.";
      }
    }
    const response: ModelResponse = {
      text,
      usage: {
        inputTokens: estimateTokens(chars) + 3 * messages.length,
        cachedInputTokens: 0,
        outputTokens: estimateTokens(text.length),
        reasoningTokens: 0,
      },
      modelSnapshot: "instant-mock",
    };
    if (firstTokenLogprobs) response.firstTokenLogprobs = firstTokenLogprobs;
    return response;
  }

  return {
    id,
    bucket: "instant",
    kind: "instant",
    supportsLogprobs: true,
    complete: (request) => Promise.resolve(answer(request)),
  };
}
