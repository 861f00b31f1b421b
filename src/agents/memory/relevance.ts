/**
 * How relevant each memory is to a query: cosine similarity of embeddings when the provider has an
 * embeddings API, lexical BM25 otherwise. Either scale is fine: retrieval normalizes each score
 * over the candidates to [0, 1] before weighting.
 */
import type { Embedder } from "../../llm/index.ts";
import { Bm25Index, type Bm25Options } from "./bm25.ts";
import type { MemoryNode } from "./types.ts";

export interface Relevance {
  /** "bm25" or "embeddings:<model id>", for reports. */
  readonly kind: string;
  scores(query: string, nodes: readonly MemoryNode[]): Promise<number[]>;
}

/** BM25 over the memories' contents; the index grows as new memories are scored. */
export function bm25Relevance(options: Bm25Options = {}): Relevance {
  const index = new Bm25Index(options);
  const indexed = new Map<number, string>();
  return {
    kind: "bm25",
    async scores(query, nodes) {
      for (const n of nodes) {
        const seen = indexed.get(n.id);
        if (seen === undefined) {
          index.add(n.id, n.content);
          indexed.set(n.id, n.content);
        } else if (seen !== n.content) throw new Error(`memory ${n.id} changed its content`);
      }
      return index.scores(
        query,
        nodes.map((n) => n.id),
      );
    },
  };
}

/** The cosine of two vectors (0 when one is all zeros). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Cosine similarity of embeddings. Vectors are kept by content (as genagents keeps its
 * embeddings.json), so each memory is embedded once; the query and any new memories go in one call.
 */
export function embeddingRelevance(embedder: Embedder, cache = new Map<string, Float32Array>()): Relevance {
  return {
    kind: `embeddings:${embedder.id}`,
    async scores(query, nodes) {
      const missing = [...new Set([query, ...nodes.map((n) => n.content)].filter((t) => !cache.has(t)))];
      if (missing.length) {
        const { vectors } = await embedder.embed(missing);
        missing.forEach((t, i) => {
          cache.set(t, vectors[i]);
        });
      }
      const q = cache.get(query)!;
      return nodes.map((n) => cosine(q, cache.get(n.content)!));
    },
  };
}
