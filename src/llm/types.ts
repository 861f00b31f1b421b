/**
 * The contract between the engine and anything that answers prompts: real providers (OpenAI,
 * Anthropic, Google, Ollama, any OpenAI-compatible server), the offline statistical baseline,
 * and the instant in-process model used by benchmarks.
 */

/** A function the model may call instead of (or besides) writing text. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text; check before use). */
  arguments: string;
}

/**
 * One message of a conversation: text from the system, the user or the assistant; an assistant
 * turn may also call tools, and each call's result comes back as a `tool` message.
 */
export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; content: string; toolCallId: string; name: string };

/** What the engine knows about the simulated person and the items; LLMs ignore it (it is already
 * rendered into the messages), the statistical baseline answers from it. */
export interface Subject {
  agentId: string;
  attributes: Record<string, string>;
  items: { id: string; options?: string[] }[];
  replicate: number;
}

export interface ModelRequest {
  messages: ChatMessage[];
  /** generate mode: the answer must be JSON following this schema (provider structured output). */
  schema?: { name: string; schema: Record<string, unknown> };
  /** distribution mode: ask for first-token logprobs with this many alternatives. */
  topLogprobs?: number;
  tools?: ToolDefinition[];
  /** "auto" (default), "required" (some tool), or one tool by name. */
  toolChoice?: "auto" | "required" | { name: string };
  temperature?: number;
  maxOutputTokens?: number;
  seed?: number;
  subject?: Subject;
  signal?: AbortSignal;
}

export interface Usage {
  /** All prompt tokens, cached ones included. */
  inputTokens: number;
  /** Prompt tokens read from the provider's prompt cache (billed at the cached rate). */
  cachedInputTokens: number;
  /** All output tokens, reasoning tokens included. */
  outputTokens: number;
  /** Hidden reasoning/thinking tokens (billed as output). */
  reasoningTokens: number;
  /** Prompt tokens written to the cache where the provider bills them apart (Anthropic). */
  cacheWriteInputTokens?: number;
}

/** Rate-limit state reported by the provider's response headers, when it sends them. */
export interface RateLimitHints {
  /** The account's requests / tokens per minute, when the provider states them. */
  limitRequests?: number;
  limitTokens?: number;
  retryAfterMs?: number;
  remainingRequests?: number;
  remainingTokens?: number;
  resetRequestsMs?: number;
  resetTokensMs?: number;
}

export interface ModelResponse {
  text: string;
  /** Tool calls the model made (tool-using requests). */
  toolCalls?: ToolCall[];
  /** Alternatives for the first output token (distribution mode), natural-log probabilities. */
  firstTokenLogprobs?: { token: string; logprob: number }[];
  usage: Usage;
  /** Model snapshot / system fingerprint as reported by the provider. */
  modelSnapshot?: string;
  rateLimit?: RateLimitHints;
}

export type ProviderErrorKind =
  | "rate_limit" // 429: retry after a wait
  | "server" // 5xx: retry
  | "timeout" // no answer in time: retry
  | "network" // connection refused/reset: retry
  | "auth" // 401/403: stop, the user must fix the key
  | "bad_request" // 400/404/422: stop, retrying will not help
  | "malformed"; // 200 with a body that is not the API's shape: retry

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The system error code of a network failure (ECONNREFUSED, ENOTFOUND, …), when known. */
  readonly code?: string;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; code?: string } = {},
  ) {
    super(message);
    this.name = "ProviderError";
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.code = options.code;
  }
  get retryable(): boolean {
    return this.kind !== "auth" && this.kind !== "bad_request";
  }
}

export interface LanguageModel {
  /** Full model id as the user wrote it, e.g. "openai:gpt-4o-mini". */
  readonly id: string;
  /** Rate-limit bucket: one per provider endpoint + key. */
  readonly bucket: string;
  /** "baseline" models are statistical, not language models; reports label them so. */
  readonly kind: "llm" | "baseline" | "instant";
  /** Whether `topLogprobs` is honoured (distribution mode). */
  readonly supportsLogprobs: boolean;
  /** Makes exactly one attempt; the engine owns retries. Throws ProviderError on failure. */
  complete(request: ModelRequest): Promise<ModelResponse>;
}
