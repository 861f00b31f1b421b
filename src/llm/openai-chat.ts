/**
 * The one Chat Completions client: OpenAI itself and every OpenAI-compatible server (ollama, vLLM,
 * llama.cpp, the mock). Why not the AI SDK here: it costs ~0.5 ms of CPU per call against ~0.05 ms
 * for node:http with keep-alive, which caps a local run at ~2,000 calls/s and, at high concurrency,
 * shows up as queueing delay; and OpenAI's own parameter rules (max_completion_tokens; reasoning
 * models take no temperature or logprobs) apply only to OpenAI, which this client knows by its
 * dialect rather than by guessing from model names on other servers.
 */
import { postJson } from "./openai-http.ts";
import { rateLimitHints } from "./rate-limit-headers.ts";
import { type ChatMessage, type ModelRequest, type ModelResponse, ProviderError } from "./types.ts";

export interface ChatClientConfig {
  modelId: string;
  model: string;
  baseURL: string;
  apiKey?: string;
  /** "openai": OpenAI's API and its parameter rules; "compatible": any other server. */
  dialect: "openai" | "compatible";
}

/**
 * OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and their snapshots; not gpt-5-chat) reject
 * temperature and logprobs, as OpenAI documents for reasoning models.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  const name = model.replace(/^ft:/, "");
  return /^o\d/.test(name) || (/^gpt-5/.test(name) && !/^gpt-5(\.\d+)?-chat/.test(name));
}

interface ChatCompletion {
  model?: string;
  system_fingerprint?: string;
  choices?: {
    message?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: { id?: string; type?: string; function?: { name?: string; arguments?: string } }[];
    };
    logprobs?: {
      content?: { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] }[];
    } | null;
  }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
}

/** One Chat Completions call; throws ProviderError (or the caller's abort) on failure. */
export async function chatComplete(
  config: ChatClientConfig,
  request: ModelRequest,
  signal: AbortSignal,
): Promise<ModelResponse> {
  const openai = config.dialect === "openai";
  const reasoning = openai && isOpenAIReasoningModel(config.model);
  const body: Record<string, unknown> = { model: config.model, messages: request.messages.map(wireMessage) };
  if (request.temperature !== undefined && !reasoning) body.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) {
    // OpenAI replaced max_tokens by max_completion_tokens (reasoning models accept only the latter).
    body[openai ? "max_completion_tokens" : "max_tokens"] = request.maxOutputTokens;
  }
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    const choice = request.toolChoice ?? "auto";
    body.tool_choice =
      typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
  }
  if (request.schema) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true },
    };
  }
  if (request.topLogprobs && !reasoning) {
    body.logprobs = true;
    body.top_logprobs = request.topLogprobs;
  }
  const reply = await postJson(config, "chat/completions", body, signal);
  const data = reply.data as ChatCompletion;
  const choice = data?.choices?.[0];
  if (!choice?.message || typeof data.usage !== "object") {
    throw new ProviderError("malformed", `${config.modelId}: response has no choices[0].message or usage`, {
      status: reply.status,
    });
  }
  const u = data.usage;
  const response: ModelResponse = {
    text: choice.message.content ?? choice.message.refusal ?? "",
    usage: {
      inputTokens: u.prompt_tokens ?? 0,
      cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      outputTokens: u.completion_tokens ?? 0,
      reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    },
  };
  const calls = choice.message.tool_calls;
  if (Array.isArray(calls) && calls.length > 0) {
    response.toolCalls = calls.map((c, i) => ({
      id: c.id ?? `call_${i}`,
      name: c.function?.name ?? "",
      arguments: c.function?.arguments ?? "",
    }));
  }
  const first = choice.logprobs?.content?.[0];
  if (first) {
    const top = first.top_logprobs?.length ? first.top_logprobs : [first];
    response.firstTokenLogprobs = top.map((t) => ({ token: t.token, logprob: t.logprob }));
  }
  const snapshot =
    data.model && data.system_fingerprint
      ? `${data.model}/${data.system_fingerprint}`
      : (data.model ?? data.system_fingerprint);
  if (snapshot) response.modelSnapshot = snapshot;
  const hints = rateLimitHints(reply.headers);
  if (hints) response.rateLimit = hints;
  return response;
}

/** A message as Chat Completions takes it (tool calls and tool results in the API's shape). */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === "assistant" && m.toolCalls?.length) {
    return {
      role: "assistant",
      content: m.content === "" ? null : m.content,
      tool_calls: m.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    };
  }
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  return { role: m.role, content: m.content };
}
