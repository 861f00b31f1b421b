/**
 * Memory for multi-step tasks: a stream of observations and reflections, retrieved by a weighted
 * sum of recency, importance and relevance (embeddings or BM25), with an "ask" that changes nothing.
 */
export { Bm25Index, type Bm25Options, terms } from "./bm25.ts";
export {
  checkImportance,
  IMPORTANCE_MAX,
  IMPORTANCE_MIN,
  type ImportanceCheck,
  type ImportanceRequest,
  importanceRequest,
} from "./importance.ts";
export { bm25Relevance, cosine, embeddingRelevance, type Relevance } from "./relevance.ts";
export { inTimeOrder, MemoryStream, type MemoryStreamOptions, type RetrieveOptions } from "./stream.ts";
export {
  GENAGENTS_DECAY,
  GENAGENTS_RETRIEVAL_COUNT,
  GENAGENTS_WEIGHTS,
  type MemoryKind,
  type MemoryNode,
  type RetrievalWeights,
  type Retrieved,
} from "./types.ts";
