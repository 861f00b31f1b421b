/**
 * A memory stream: observations and reflections, each with an importance, a creation time and the
 * time it was last retrieved. Retrieval ranks memories by a weighted sum of three scores, each
 * min-max normalized over the candidates to [0, 1] (all equal: 0.5 each, as genagents does):
 *   recency    = decay ^ (now − lastRetrieved)
 *   importance = the memory's importance
 *   relevance  = similarity to the query (embeddings or BM25, see relevance.ts)
 * `retrieve` marks what it returns as retrieved now (so recency follows use); `ask` ranks the same
 * way and changes nothing, for questions about a person that must not alter their state (another
 * agent interviewing them, a report). genagents' own stateful branch sets an attribute retrieval
 * never reads, so there recency never moves; here it does.
 */
import { UserError } from "../../errors/index.ts";
import { bm25Relevance, type Relevance } from "./relevance.ts";
import {
  GENAGENTS_DECAY,
  GENAGENTS_RETRIEVAL_COUNT,
  GENAGENTS_WEIGHTS,
  type MemoryKind,
  type MemoryNode,
  type RetrievalWeights,
  type Retrieved,
} from "./types.ts";

export interface MemoryStreamOptions {
  /** Default: BM25. Pass embeddingRelevance(createEmbedder(id)) where the provider has embeddings. */
  relevance?: Relevance;
  /** Default: the genagents weights (relevance 1, importance 0.5, recency 0). */
  weights?: RetrievalWeights;
  /** Recency decay per time step (default 0.99). */
  decay?: number;
}

export interface RetrieveOptions {
  /** How many to return (default 120, as genagents). */
  n?: number;
  kind?: MemoryKind | "all";
  /** The current time step (default: the stream's latest). */
  now?: number;
  weights?: RetrievalWeights;
}

function checkWeights(w: RetrievalWeights, where: string): void {
  for (const k of ["recency", "relevance", "importance"] as const) {
    if (!(Number.isFinite(w[k]) && w[k] >= 0)) {
      throw new UserError(`weight ${k} must be a number ≥ 0, got ${w[k]}`, { where });
    }
  }
}

/** Min-max to [0, 1]; when all are equal, 0.5 each. */
function normalize(values: number[]): number[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return values.map((v) => (range > 0 ? (v - lo) / range : 0.5));
}

export class MemoryStream {
  private readonly list: MemoryNode[] = [];
  private readonly relevance: Relevance;
  private readonly weights: RetrievalWeights;
  private readonly decay: number;
  private clock = 0;

  constructor(options: MemoryStreamOptions = {}) {
    this.relevance = options.relevance ?? bm25Relevance();
    this.weights = options.weights ?? GENAGENTS_WEIGHTS;
    checkWeights(this.weights, "weights");
    this.decay = options.decay ?? GENAGENTS_DECAY;
    if (!(this.decay > 0 && this.decay <= 1)) {
      throw new UserError(`decay must be in (0, 1], got ${this.decay}`, { where: "decay" });
    }
  }

  /** Every memory, in the order written (copies: editing them does not edit the stream). */
  get nodes(): MemoryNode[] {
    return this.list.map((n) => ({ ...n, evidence: [...n.evidence] }));
  }

  get size(): number {
    return this.list.length;
  }

  /** The latest time step seen. */
  get now(): number {
    return this.clock;
  }

  get relevanceKind(): string {
    return this.relevance.kind;
  }

  private add(
    kind: MemoryKind,
    content: string,
    importance: number,
    time: number | undefined,
    evidence: number[],
  ) {
    if (typeof content !== "string" || content.trim() === "") throw new UserError("a memory needs content");
    if (!Number.isFinite(importance)) throw new UserError(`importance must be a number, got ${importance}`);
    const at = time ?? this.clock + 1;
    if (!Number.isFinite(at) || at < this.clock) {
      throw new UserError(`time ${at} is before the stream's latest time step ${this.clock}`);
    }
    for (const id of evidence) {
      if (!this.list[id]) throw new UserError(`evidence ${id} is not a memory of this stream`);
    }
    this.clock = at;
    const node: MemoryNode = {
      id: this.list.length,
      kind,
      content,
      importance,
      created: at,
      lastRetrieved: at,
      evidence: [...evidence],
    };
    this.list.push(node);
    return { ...node, evidence: [...node.evidence] };
  }

  /** Adds an observation (default time: one step after the latest). */
  remember(content: string, options: { importance: number; time?: number }): MemoryNode {
    return this.add("observation", content, options.importance, options.time, []);
  }

  /** Adds a reflection drawn from earlier memories. */
  reflect(content: string, options: { importance: number; evidence: number[]; time?: number }): MemoryNode {
    return this.add("reflection", content, options.importance, options.time, options.evidence);
  }

  private async rank(query: string, options: RetrieveOptions): Promise<Retrieved[]> {
    if (typeof query !== "string" || query.trim() === "") throw new UserError("a retrieval needs a query");
    const weights = options.weights ?? this.weights;
    checkWeights(weights, "weights");
    const kind = options.kind ?? "all";
    const candidates = kind === "all" ? this.list : this.list.filter((n) => n.kind === kind);
    if (candidates.length === 0) return [];
    const now = options.now ?? this.clock;
    const recency = normalize(candidates.map((n) => this.decay ** Math.max(0, now - n.lastRetrieved)));
    const importance = normalize(candidates.map((n) => n.importance));
    const relevance = normalize(await this.relevance.scores(query, candidates));
    const ranked = candidates.map((node, i) => ({
      node,
      recency: recency[i],
      relevance: relevance[i],
      importance: importance[i],
      score:
        weights.recency * recency[i] + weights.relevance * relevance[i] + weights.importance * importance[i],
    }));
    // Ties go to the earlier memory, so a ranking never depends on sort internals.
    ranked.sort((a, b) => b.score - a.score || a.node.id - b.node.id);
    const n = options.n ?? GENAGENTS_RETRIEVAL_COUNT;
    if (!(Number.isInteger(n) && n > 0)) throw new UserError(`n must be a positive whole number, got ${n}`);
    return ranked.slice(0, n);
  }

  /** The n most fitting memories, best first; marks them as retrieved at `now`. */
  async retrieve(query: string, options: RetrieveOptions = {}): Promise<Retrieved[]> {
    const ranked = await this.rank(query, options);
    const now = options.now ?? this.clock;
    if (now > this.clock) this.clock = now;
    for (const r of ranked) r.node.lastRetrieved = now;
    return ranked.map((r) => ({ ...r, node: { ...r.node, evidence: [...r.node.evidence] } }));
  }

  /** The same ranking as retrieve, without changing anything in the stream. */
  async ask(query: string, options: RetrieveOptions = {}): Promise<Retrieved[]> {
    const ranked = await this.rank(query, options);
    return ranked.map((r) => ({ ...r, node: { ...r.node, evidence: [...r.node.evidence] } }));
  }

  /** The stream as genagents writes nodes.json. */
  toGenagentsNodes(): Record<string, unknown>[] {
    return this.list.map((n) => ({
      node_id: n.id,
      node_type: n.kind,
      content: n.content,
      importance: n.importance,
      created: n.created,
      last_retrieved: n.lastRetrieved,
      pointer_id: n.kind === "reflection" ? n.evidence : null,
    }));
  }

  /** A stream from genagents nodes.json records (observations and reflections, in order). */
  static fromGenagentsNodes(
    nodes: readonly unknown[],
    options: MemoryStreamOptions = {},
    file = "nodes.json",
  ) {
    const stream = new MemoryStream(options);
    let lastCreated = Number.NEGATIVE_INFINITY;
    nodes.forEach((raw, i) => {
      const where = `${file} [${i}]`;
      const n = (raw ?? {}) as Record<string, unknown>;
      const kind = n.node_type;
      if (kind !== "observation" && kind !== "reflection") {
        throw new UserError(`node_type must be "observation" or "reflection", got ${JSON.stringify(kind)}`, {
          where,
        });
      }
      for (const field of ["importance", "created", "last_retrieved"] as const) {
        if (typeof n[field] !== "number") throw new UserError(`"${field}" must be a number`, { where });
      }
      if (typeof n.content !== "string") throw new UserError(`"content" must be text`, { where });
      if (n.node_id !== undefined && n.node_id !== i) {
        throw new UserError(`node_id ${String(n.node_id)} is out of order (expected ${i})`, { where });
      }
      const evidence = Array.isArray(n.pointer_id) ? (n.pointer_id as unknown[]).map(Number) : [];
      const created = n.created as number;
      // Empty nodes (genagents opens interviews with one) keep their place but cannot be retrieved by text.
      const content = (n.content as string).trim() === "" ? "(empty)" : (n.content as string);
      if (created < lastCreated) throw new UserError(`"created" goes back in time`, { where });
      lastCreated = created;
      stream.clock = Math.max(stream.clock, created, n.last_retrieved as number);
      stream.list.push({
        id: i,
        kind,
        content,
        importance: n.importance as number,
        created,
        lastRetrieved: n.last_retrieved as number,
        evidence,
      });
    });
    return stream;
  }
}

/** Retrieved memories in the order they happened: how a prompt shows them (genagents does this). */
export function inTimeOrder(retrieved: readonly Retrieved[]): Retrieved[] {
  return [...retrieved].sort((a, b) => a.node.created - b.node.created || a.node.id - b.node.id);
}
