/**
 * An embeddings client beside the chat client: OpenAI's `POST /v1/embeddings`, as OpenAI,
 * ollama and OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) serve it. Model ids, endpoints
 * and keys follow the same rules as createModel (OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_HOST,
 * `http(s)://HOST/v1#MODEL`). Anthropic and Google have no such endpoint here: callers ask
 * `hasEmbeddings` and fall back (memory retrieval uses BM25). Each request is one HTTP attempt:
 * as for chat, retries belong to the caller's one retry layer.
 */
import { UserError } from "../errors/index.ts";
import { hash32 } from "../random/index.ts";
import { parseModelId } from "./model-id.ts";
import { postJson } from "./openai-http.ts";
import { type CreateModelOptions, resolveEndpoint } from "./providers.ts";
import { type LanguageModel, type ModelRequest, type ModelResponse, ProviderError } from "./types.ts";

/** OpenAI's limit on inputs per request; longer lists are sent in several requests. */
export const MAX_INPUTS_PER_REQUEST = 2048;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface EmbeddingResult {
  /** One vector per text, in input order. */
  vectors: Float32Array[];
  usage: { inputTokens: number };
}

export interface Embedder {
  /** The id as written, e.g. "openai:text-embedding-3-small". */
  readonly id: string;
  /** Rate-limit bucket: provider endpoint + key, as for chat models. */
  readonly bucket: string;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<EmbeddingResult>;
}

export interface CreateEmbedderOptions extends CreateModelOptions {
  /** Shorter vectors (text-embedding-3 and later). */
  dimensions?: number;
}

/** Whether a model id's provider offers an embeddings API Populace can call. */
export function hasEmbeddings(id: string): boolean {
  const { provider } = parseModelId(id);
  return provider === "openai" || provider === "ollama" || provider === "openai-compatible";
}

/** Little-endian float32 values from base64 (encoding_format "base64"). */
export function decodeFloat32Base64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  const out = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

interface EmbeddingsBody {
  data?: { index?: number; embedding?: number[] | string }[];
  usage?: { prompt_tokens?: number };
}

export function createEmbedder(id: string, opts: CreateEmbedderOptions = {}): Embedder {
  const parsed = parseModelId(id);
  if (!hasEmbeddings(id)) {
    throw new UserError(
      `model "${id}": ${parsed.provider} has no embeddings API here; use an openai:, ollama: or http(s)://…#MODEL id`,
    );
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.dimensions !== undefined && !(Number.isInteger(opts.dimensions) && opts.dimensions > 0)) {
    throw new UserError(`dimensions must be a positive whole number, got ${opts.dimensions}`);
  }
  const endpoint = resolveEndpoint(id, parsed, opts);
  const keyTag = endpoint.apiKey ? hash32(endpoint.apiKey).toString(16).padStart(8, "0") : "nokey";
  // base64 is a quarter of the bytes of JSON floats (OpenAI's own SDK asks for it); servers
  // other than OpenAI's are asked for floats, which every one of them supports.
  const encoding = parsed.provider === "openai" ? "base64" : "float";

  async function request(texts: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    const body: Record<string, unknown> = { model: parsed.model, input: texts, encoding_format: encoding };
    if (opts.dimensions !== undefined) body.dimensions = opts.dimensions;
    const data = (await postJson({ modelId: id, ...endpoint }, "embeddings", body, signal))
      .data as EmbeddingsBody;
    const items = Array.isArray(data?.data) ? data.data : [];
    const vectors: Float32Array[] = new Array(texts.length);
    for (const [i, item] of items.entries()) {
      const at = typeof item?.index === "number" ? item.index : i;
      const e = item?.embedding;
      if (at < 0 || at >= texts.length) break;
      if (typeof e === "string") vectors[at] = decodeFloat32Base64(e);
      else if (Array.isArray(e) && e.every((x) => typeof x === "number")) vectors[at] = Float32Array.from(e);
    }
    const missing = vectors.findIndex((v) => v === undefined || v.length === 0);
    if (items.length !== texts.length || missing >= 0 || vectors.some((v) => v === undefined)) {
      throw new ProviderError(
        "malformed",
        `${id}: expected ${texts.length} embeddings, got ${items.length}${missing >= 0 ? ` (input ${missing} has none)` : ""}`,
      );
    }
    return { vectors, usage: { inputTokens: data.usage?.prompt_tokens ?? 0 } };
  }

  return {
    id,
    bucket: `${parsed.provider}|${endpoint.baseURL}|${keyTag}`,
    async embed(texts, options = {}) {
      if (texts.length === 0) return { vectors: [], usage: { inputTokens: 0 } };
      const empty = texts.findIndex((t) => typeof t !== "string" || t === "");
      if (empty >= 0) throw new UserError(`cannot embed an empty text (input ${empty})`);
      const out: EmbeddingResult = { vectors: [], usage: { inputTokens: 0 } };
      for (let start = 0; start < texts.length; start += MAX_INPUTS_PER_REQUEST) {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
        try {
          const part = await request(texts.slice(start, start + MAX_INPUTS_PER_REQUEST), signal);
          out.vectors.push(...part.vectors);
          out.usage.inputTokens += part.usage.inputTokens;
        } catch (error) {
          if (options.signal?.aborted) throw error;
          if (timeout.aborted) throw new ProviderError("timeout", `${id}: no answer within ${timeoutMs} ms`);
          throw error;
        }
      }
      return out;
    },
  };
}

/** Little-endian float32 values as base64 (what encoding_format "base64" sends back). */
export function encodeFloat32Base64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i], i * 4);
  return bytes.toString("base64");
}

/**
 * An embedder as a LanguageModel, so that embedding calls take the one call path of a run (cache,
 * budget, rate limiter, retries, ledger) instead of a second one: each user message of the request
 * is one text, and the reply's text is the vectors, one line each, as base64 little-endian
 * float32 (compact, and what the cache keeps). `embeddingRequest` and `readEmbeddings` are its two
 * ends. Its id names the vector size when it was asked for (`openai:text-embedding-3-small?dimensions=256`),
 * so vectors of different sizes never share a cache entry.
 */
export function embeddingModel(embedder: Embedder, dimensions?: number): LanguageModel {
  return {
    id: dimensions === undefined ? embedder.id : `${embedder.id}?dimensions=${dimensions}`,
    bucket: embedder.bucket,
    kind: "llm",
    supportsLogprobs: false,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const texts = request.messages.map((m) => m.content);
      const { vectors, usage } = await embedder.embed(texts, { signal: request.signal });
      return {
        text: vectors.map(encodeFloat32Base64).join("\n"),
        usage: { inputTokens: usage.inputTokens, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      };
    },
  };
}

/** The request that embeds these texts through embeddingModel (no output tokens to reserve). */
export function embeddingRequest(texts: readonly string[]): ModelRequest {
  return { messages: texts.map((content) => ({ role: "user", content })), maxOutputTokens: 0 };
}

/** The vectors of an embeddingModel reply, or why it is not `count` vectors of one size. */
export function readEmbeddings(text: string, count: number): Float32Array[] | { problem: string } {
  const lines = text === "" ? [] : text.split("\n");
  if (lines.length !== count) return { problem: `expected ${count} embeddings, got ${lines.length}` };
  const vectors = lines.map(decodeFloat32Base64);
  const size = vectors[0]?.length ?? 0;
  if (vectors.some((v) => v.length === 0 || v.length !== size)) {
    return { problem: "the embeddings are empty or of different sizes" };
  }
  return vectors;
}
