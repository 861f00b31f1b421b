import type { AnthropicProvider } from "@ai-sdk/anthropic";
import { UserError } from "../errors/index.ts";
import { hash32 } from "../random/index.ts";
import { OLLAMA_DEFAULT_URL, type ParsedModelId, parseModelId } from "./model-id.ts";
import { type ChatClientConfig, chatComplete, isOpenAIReasoningModel } from "./openai-chat.ts";
import { toProviderError } from "./provider-errors.ts";
import { rateLimitHints } from "./rate-limit-headers.ts";
import {
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
  ProviderError,
  type Usage,
} from "./types.ts";

/** The AI SDK's provider-level model (LanguageModelV4); its doGenerate makes exactly one HTTP call. */
type SdkModel = ReturnType<AnthropicProvider["messages"]>;
type SdkCallOptions = Parameters<SdkModel["doGenerate"]>[0];
type SdkResult = Awaited<ReturnType<SdkModel["doGenerate"]>>;
type SdkPrompt = SdkCallOptions["prompt"];

export interface CreateModelOptions {
  /** Per-request time limit; past it the call fails with ProviderError("timeout"). Default 60 s. */
  timeoutMs?: number;
  /** Overrides the key from the environment. */
  apiKey?: string;
  /** Where keys and base URLs are read from (default process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** Overrides the provider's endpoint (e.g. a proxy, or the mock server in tests). */
  baseURL?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

const DEFAULT_URL: Record<ParsedModelId["provider"], string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  google: "https://generativelanguage.googleapis.com/v1beta",
  ollama: OLLAMA_DEFAULT_URL,
  "openai-compatible": "",
};

export interface Endpoint {
  baseURL: string;
  apiKey?: string;
}

/** OLLAMA_HOST is "host:port" or a URL without /v1, as the ollama CLI reads it. */
function ollamaURL(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const withScheme = /^https?:\/\//i.test(host) ? host : `http://${host}`;
  return `${withScheme.replace(/\/+$/, "")}/v1`;
}

/** Where a model id's requests go and with which key (the embeddings client shares these rules). */
export function resolveEndpoint(id: string, parsed: ParsedModelId, opts: CreateModelOptions): Endpoint {
  const env = opts.env ?? process.env;
  const need = (names: string[]): string => {
    const key = opts.apiKey ?? names.map((n) => env[n]).find((v) => v !== undefined && v !== "");
    if (!key) {
      const which = names.length > 1 ? `${names[0]} (or ${names.slice(1).join(", ")})` : names[0];
      throw new UserError(`model "${id}" needs an API key: set the environment variable ${which}`);
    }
    return key;
  };
  switch (parsed.provider) {
    case "openai":
      return {
        baseURL: opts.baseURL ?? env.OPENAI_BASE_URL ?? DEFAULT_URL.openai,
        apiKey: need(["OPENAI_API_KEY"]),
      };
    case "anthropic":
      return {
        baseURL: opts.baseURL ?? env.ANTHROPIC_BASE_URL ?? DEFAULT_URL.anthropic,
        apiKey: need(["ANTHROPIC_API_KEY"]),
      };
    case "google":
      return {
        baseURL: opts.baseURL ?? DEFAULT_URL.google,
        apiKey: need(["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"]),
      };
    case "ollama":
      return {
        baseURL: opts.baseURL ?? ollamaURL(env.OLLAMA_HOST) ?? DEFAULT_URL.ollama,
        apiKey: opts.apiKey ?? env.OPENAI_COMPATIBLE_API_KEY,
      };
    case "openai-compatible":
      return {
        baseURL: opts.baseURL ?? parsed.baseURL!,
        apiKey: opts.apiKey ?? env.OPENAI_COMPATIBLE_API_KEY,
      };
  }
}

async function loadSdkModel(parsed: ParsedModelId, endpoint: Endpoint): Promise<SdkModel> {
  // Loaded on first use so that commands that never call a model start fast.
  if (parsed.provider === "google") {
    const { createGoogle } = await import("@ai-sdk/google");
    return createGoogle({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL })(parsed.model) as SdkModel;
  }
  const { createAnthropic } = await import("@ai-sdk/anthropic");
  return createAnthropic({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL }).messages(parsed.model);
}

function toSdkPrompt(request: ModelRequest, provider: ParsedModelId["provider"]): SdkPrompt {
  const prompt: SdkPrompt = [];
  for (const [i, m] of request.messages.entries()) {
    if (m.role === "system") {
      // Anthropic caches only up to explicit breakpoints; the stable profile is the leading system message.
      const cache =
        provider === "anthropic" && i === 0
          ? { anthropic: { cacheControl: { type: "ephemeral" as const } } }
          : undefined;
      prompt.push({ role: "system", content: m.content, ...(cache ? { providerOptions: cache } : {}) });
    } else if (m.role === "user") {
      prompt.push({ role: "user", content: [{ type: "text", text: m.content }] });
    } else if (m.role === "tool") {
      prompt.push({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: m.toolCallId,
            toolName: m.name,
            output: { type: "text", value: m.content },
          },
        ],
      });
    } else if (m.role === "assistant") {
      const content: Extract<SdkPrompt[number], { role: "assistant" }>["content"] = [];
      if (m.content !== "") content.push({ type: "text", text: m.content });
      for (const call of m.toolCalls ?? []) {
        content.push({
          type: "tool-call",
          toolCallId: call.id,
          toolName: call.name,
          input: parseArguments(call),
        });
      }
      prompt.push({ role: "assistant", content });
    }
  }
  return prompt;
}

/** A tool call's arguments as an object for the SDK (a model's malformed JSON passes as text). */
function parseArguments(call: { arguments: string }): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return call.arguments;
  }
}

function usageOf(result: SdkResult): Usage {
  const u = result.usage;
  const usage: Usage = {
    inputTokens: u.inputTokens.total ?? 0,
    cachedInputTokens: u.inputTokens.cacheRead ?? 0,
    outputTokens: u.outputTokens.total ?? 0,
    reasoningTokens: u.outputTokens.reasoning ?? 0,
  };
  if (u.inputTokens.cacheWrite) usage.cacheWriteInputTokens = u.inputTokens.cacheWrite;
  return usage;
}

function textOf(result: SdkResult): string {
  if (result.structuredOutputText !== undefined) return result.structuredOutputText;
  let text = "";
  for (const part of result.content) if (part.type === "text") text += part.text;
  return text;
}

function toolCallsOf(result: SdkResult): ModelResponse["toolCalls"] {
  const calls = result.content.filter((p) => p.type === "tool-call");
  if (calls.length === 0) return undefined;
  return calls.map((c) => ({ id: c.toolCallId, name: c.toolName, arguments: c.input }));
}

function snapshotOf(result: SdkResult): string | undefined {
  const body = result.response?.body as { system_fingerprint?: unknown } | undefined;
  const fingerprint = typeof body?.system_fingerprint === "string" ? body.system_fingerprint : undefined;
  const model = result.response?.modelId;
  if (model && fingerprint) return `${model}/${fingerprint}`;
  return model ?? fingerprint;
}

/**
 * A LanguageModel for a user-written model id. Keys come from the usual environment variables
 * (checked here, so a missing key fails before any job runs). Each `complete` makes exactly one
 * HTTP attempt: the engine owns retries, so nothing here retries.
 */
export function createModel(id: string, opts: CreateModelOptions = {}): LanguageModel {
  const parsed = parseModelId(id);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new UserError(
      `timeout for model "${id}" must be a positive number of milliseconds, got ${timeoutMs}`,
    );
  }
  const endpoint = resolveEndpoint(id, parsed, opts);
  const keyTag = endpoint.apiKey ? hash32(endpoint.apiKey).toString(16).padStart(8, "0") : "nokey";
  const bucket = `${parsed.provider}|${endpoint.baseURL}|${keyTag}`;
  const supportsLogprobs =
    (parsed.provider === "openai" && !isOpenAIReasoningModel(parsed.model)) ||
    parsed.provider === "ollama" ||
    parsed.provider === "openai-compatible";
  let sdkModel: Promise<SdkModel> | undefined;

  // Chat Completions (OpenAI and compatible servers) goes through the one lean client (see
  // openai-chat.ts for why); Anthropic and Google through the AI SDK's providers.
  const direct =
    parsed.provider === "openai" || parsed.provider === "ollama" || parsed.provider === "openai-compatible";
  const chatConfig: ChatClientConfig = {
    modelId: id,
    model: parsed.model,
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    dialect: parsed.provider === "openai" ? "openai" : "compatible",
  };

  async function viaSdk(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    sdkModel ??= loadSdkModel(parsed, endpoint);
    const model = await sdkModel;
    const options: SdkCallOptions = {
      prompt: toSdkPrompt(request, parsed.provider),
      maxOutputTokens: request.maxOutputTokens,
      temperature: request.temperature,
      seed: request.seed,
      abortSignal: signal,
    };
    if (request.schema) {
      options.responseFormat = {
        type: "json",
        schema: request.schema.schema as never,
        name: request.schema.name,
      };
    }
    if (request.tools?.length) {
      options.tools = request.tools.map((t) => ({
        type: "function" as const,
        name: t.name,
        description: t.description,
        inputSchema: t.parameters as never,
      }));
      const choice = request.toolChoice ?? "auto";
      options.toolChoice =
        typeof choice === "string" ? { type: choice } : { type: "tool", toolName: choice.name };
    }
    const result = await model.doGenerate(options);
    const response: ModelResponse = { text: textOf(result), usage: usageOf(result) };
    const toolCalls = toolCallsOf(result);
    if (toolCalls) response.toolCalls = toolCalls;
    const snapshot = snapshotOf(result);
    if (snapshot) response.modelSnapshot = snapshot;
    const hints = rateLimitHints(result.response?.headers);
    if (hints) response.rateLimit = hints;
    return response;
  }

  async function complete(request: ModelRequest): Promise<ModelResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      return direct ? await chatComplete(chatConfig, request, signal) : await viaSdk(request, signal);
    } catch (error) {
      if (request.signal?.aborted) throw error; // the caller cancelled: not a provider failure
      if (timeout.aborted) throw new ProviderError("timeout", `${id}: no answer within ${timeoutMs} ms`);
      throw toProviderError(error, id);
    }
  }

  return { id, bucket, kind: "llm", supportsLogprobs, complete };
}
