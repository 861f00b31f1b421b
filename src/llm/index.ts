/** The LLM layer: model ids, providers, embeddings, elicitation (prompts and answer parsing), and prices. */
export * from "./elicitation/index.ts";
export {
  type CreateEmbedderOptions,
  createEmbedder,
  decodeFloat32Base64,
  type Embedder,
  type EmbeddingResult,
  embeddingModel,
  embeddingRequest,
  encodeFloat32Base64,
  hasEmbeddings,
  MAX_INPUTS_PER_REQUEST,
  readEmbeddings,
} from "./embeddings.ts";
export { type ParsedModelId, type ProviderName, parseModelId } from "./model-id.ts";
export {
  BUILTIN_PRICES,
  costOf,
  loadPriceTable,
  missingPriceNote,
  type Price,
  type PriceTable,
  priceFor,
} from "./prices.ts";
export { toProviderError } from "./provider-errors.ts";
export { type CreateModelOptions, createModel } from "./providers.ts";
export { parseDurationMs, rateLimitHints, retryAfterMs } from "./rate-limit-headers.ts";
export * from "./types.ts";
