/** The LLM layer: model ids, providers, elicitation (prompts and answer parsing), and prices. */
export * from "./elicitation/index.ts";
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
