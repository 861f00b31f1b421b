/** Test doubles for language models: the HTTP mock server and the in-process instant model. */
export { EMBEDDING_MODELS, mockEmbedding } from "./embeddings.ts";
export { createInstantModel, type InstantModelOptions } from "./instant.ts";
export { chooseLetter, compilePlan, contentKey, letteredOptions, OFF_OPTION_TEXT } from "./policy.ts";
export {
  ALL_FAULTS,
  FAULTS,
  type FaultKind,
  type MockLlm,
  type MockLlmOptions,
  type MockStats,
  startMockLlm,
} from "./server.ts";
