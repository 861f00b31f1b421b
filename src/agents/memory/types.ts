/** A memory stream's records (Park et al. 2023, "Generative Agents"; the genagents code). */

export type MemoryKind = "observation" | "reflection";

export interface MemoryNode {
  /** Position in the stream, from 0. */
  id: number;
  kind: MemoryKind;
  content: string;
  /** How much the memory matters to the person, on the scale its scorer uses (genagents: 0-100). */
  importance: number;
  /** The time step it was written at. */
  created: number;
  /** The last time step it was retrieved at (its creation until then). */
  lastRetrieved: number;
  /** For a reflection: the memories it was drawn from. */
  evidence: number[];
}

/** Weights of the three scores in retrieval; each score is first normalized to [0, 1]. */
export interface RetrievalWeights {
  recency: number;
  relevance: number;
  importance: number;
}

/**
 * The genagents defaults (MemoryStream.retrieve, hp = [recency 0, relevance 1, importance 0.5];
 * extract_recency's decay 0.99). The 2023 Generative Agents paper weighted all three 1.
 */
export const GENAGENTS_WEIGHTS: RetrievalWeights = { recency: 0, relevance: 1, importance: 0.5 };
export const GENAGENTS_DECAY = 0.99;
/** genagents' n_count: how many memories a retrieval returns by default. */
export const GENAGENTS_RETRIEVAL_COUNT = 120;

/** One retrieved memory with its normalized scores and their weighted sum. */
export interface Retrieved {
  node: MemoryNode;
  score: number;
  recency: number;
  relevance: number;
  importance: number;
}
