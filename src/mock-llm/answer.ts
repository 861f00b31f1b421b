/**
 * The mock's replies to Chat Completions and Messages calls: the answer drawn from the seeded
 * policy (policy.ts) for the request's schema, tool or lettered options, and the response body
 * with its usage. A test double's answers, not a language model's.
 */
import {
  type AnswerPlan,
  chooseLetter,
  compilePlan,
  contentKey,
  estimateTokens,
  offeredInConversation,
  requestRng,
} from "./policy.ts";
import type { AnthropicUsage, OpenAIUsage } from "./prompt-cache.ts";

type Json = Record<string, unknown>;

export interface Conversation {
  messages: { role: string; content: string }[];
  /** Chars of all message text, for the token estimate. */
  chars: number;
  lastUser: string;
}

/** Anthropic content may be a string or an array of blocks. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    let s = "";
    for (const b of content)
      if (b && typeof b === "object" && typeof (b as Json).text === "string") s += (b as Json).text;
    return s;
  }
  return "";
}

export function conversationOf(body: Json, api: "openai" | "anthropic"): Conversation {
  const messages: { role: string; content: string }[] = [];
  if (api === "anthropic" && body.system !== undefined)
    messages.push({ role: "system", content: textOf(body.system) });
  for (const m of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    messages.push({ role: String(m?.role ?? "user"), content: textOf(m?.content) });
  }
  let chars = 0;
  let lastUser = "";
  for (const m of messages) {
    chars += m.content.length;
    if (m.role === "user") lastUser = m.content;
  }
  return { messages, chars, lastUser };
}

export interface Reply {
  json: string;
  promptTokens: number;
  /** Prompt tokens read from the prompt cache. */
  cached: number;
  /** Prompt tokens written to it (Anthropic bills them apart). */
  written: number;
  completionTokens: number;
}

/** The reply builder of one mock: its seed, its fingerprint, its compiled answer plans. */
export function createAnswerer(seed: string, fingerprint: string, isTuned: (model: string) => boolean) {
  const plans = new Map<string, AnswerPlan>();

  function planFor(schema: Json): AnswerPlan {
    const key = JSON.stringify(schema);
    let plan = plans.get(key);
    if (!plan) {
      if (plans.size > 10_000) plans.clear();
      plan = compilePlan(schema, seed);
      plans.set(key, plan);
    }
    return plan;
  }

  /** Builds the API answer; returns the body and its token counts. */
  return function answer(
    api: "openai" | "anthropic",
    body: Json,
    conv: Conversation,
    offOption: boolean,
    n: number,
    usage: OpenAIUsage | AnthropicUsage,
    prose = false,
  ): Reply {
    const model = typeof body.model === "string" ? body.model : "mock";
    // A fine-tuned model draws from its own stream: same prompt, other (seeded) answers than its base.
    const tunedKey = isTuned(model) ? `${model}|` : "";
    const rng = requestRng(
      seed,
      contentKey(conv.messages, `${tunedKey}${body.seed === undefined ? "" : String(body.seed)}`),
    );
    const promptTokens = usage.promptTokens;

    let text = "";
    let toolUse: { name: string; input: unknown } | undefined;
    let logprobs: Json | null = null;
    if (api === "openai") {
      const rf = body.response_format as Json | undefined;
      const js = rf?.type === "json_schema" ? (rf.json_schema as Json | undefined)?.schema : undefined;
      const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
      const toolChoice = body.tool_choice as Json | string | undefined;
      const forcedName =
        typeof toolChoice === "object"
          ? ((toolChoice.function as Json | undefined)?.name as string)
          : undefined;
      const tool =
        forcedName !== undefined
          ? tools.find((t) => (t.function as Json | undefined)?.name === forcedName)
          : toolChoice === "required" || (toolChoice === undefined && tools.length > 0)
            ? tools[0]
            : undefined;
      if (prose) {
        text = "It depends on the situation.";
      } else if (tool) {
        const fn = tool.function as Json;
        toolUse = {
          name: String(fn.name),
          input: planFor((fn.parameters as Json | undefined) ?? { type: "object" }).generate(
            rng,
            offOption,
            conv.lastUser,
          ),
        };
      } else if (js && typeof js === "object") {
        text = JSON.stringify(planFor(js as Json).generate(rng, offOption, conv.lastUser));
      } else if (rf?.type === "json_object") {
        text = JSON.stringify({ answer: "It depends on the situation." });
      }
      if (!toolUse && (prose || !js) && rf?.type !== "json_object") {
        const k = typeof body.top_logprobs === "number" ? body.top_logprobs : 0;
        const offered = offeredInConversation(conv.messages);
        const choice = chooseLetter(seed, offered, rng, k, offOption);
        if (!prose) text = offered.length || offOption ? choice.letter : "It depends on the situation.";
        if (body.logprobs === true) {
          // The first token of the text, with the letters' alternatives (a prose reply keeps them:
          // the model considered a letter first, then wrote something else).
          const first = /^[A-Z]$/.test(text) ? text : (text.split(/\s+/)[0] ?? text);
          const alts = offered.length || offOption ? choice.top : [];
          const top = alts.map((t) => ({ token: t.token, logprob: t.logprob, bytes: null }));
          const self = top.find((t) => t.token === first) ?? { token: first, logprob: -0.01, bytes: null };
          logprobs = {
            content: [{ ...self, top_logprobs: k > 0 ? (top.length ? top : [self]) : [] }],
            refusal: null,
          };
        }
      }
    } else {
      const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
      const choice = body.tool_choice as Json | undefined;
      const forced =
        choice?.type === "tool"
          ? tools.find((t) => t.name === choice.name)
          : choice?.type === "any" && tools.length === 1
            ? tools[0]
            : undefined;
      const format = (body.output_config as Json | undefined)?.format as Json | undefined;
      if (forced?.input_schema) {
        toolUse = {
          name: String(forced.name),
          input: planFor(forced.input_schema as Json).generate(rng, offOption, conv.lastUser),
        };
      } else if (format?.type === "json_schema" && format.schema) {
        text = JSON.stringify(planFor(format.schema as Json).generate(rng, offOption, conv.lastUser));
      } else {
        const offered = offeredInConversation(conv.messages);
        text = prose
          ? "It depends on the situation."
          : offered.length || offOption
            ? chooseLetter(seed, offered, rng, 1, offOption).letter
            : "It depends.";
      }
    }
    const outChars = toolUse ? JSON.stringify(toolUse.input).length : text.length;
    const completionTokens = estimateTokens(outChars);
    const created = Math.floor(Date.now() / 1000);
    let json: string;
    if (api === "openai") {
      json = JSON.stringify({
        id: `chatcmpl-mock-${n}`,
        object: "chat.completion",
        created,
        model,
        system_fingerprint: fingerprint,
        choices: [
          {
            index: 0,
            message: toolUse
              ? {
                  role: "assistant",
                  content: null,
                  refusal: null,
                  tool_calls: [
                    {
                      id: `call_mock_${n}`,
                      type: "function",
                      function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input) },
                    },
                  ],
                }
              : { role: "assistant", content: text, refusal: null },
            logprobs,
            finish_reason: toolUse ? "tool_calls" : "stop",
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: (usage as OpenAIUsage).cachedTokens },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      });
    } else {
      json = JSON.stringify({
        id: `msg_mock_${n}`,
        type: "message",
        role: "assistant",
        model,
        content: toolUse
          ? [{ type: "tool_use", id: `toolu_mock_${n}`, name: toolUse.name, input: toolUse.input }]
          : [{ type: "text", text }],
        stop_reason: toolUse ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: (usage as AnthropicUsage).inputTokens,
          cache_read_input_tokens: (usage as AnthropicUsage).cacheRead,
          cache_creation_input_tokens: (usage as AnthropicUsage).cacheCreation,
          cache_creation: {
            ephemeral_5m_input_tokens: (usage as AnthropicUsage).creation5m,
            ephemeral_1h_input_tokens: (usage as AnthropicUsage).creation1h,
          },
          output_tokens: completionTokens,
        },
      });
    }
    const cached =
      api === "openai" ? (usage as OpenAIUsage).cachedTokens : (usage as AnthropicUsage).cacheRead;
    const written = api === "openai" ? 0 : (usage as AnthropicUsage).cacheCreation;
    return { json, promptTokens, cached, written, completionTokens };
  };
}
