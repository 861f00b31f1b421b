/**
 * Which observations go into an answering prompt: ranked by relevance to the questions (cosine of
 * embeddings when the provider has an embeddings API, BM25 otherwise), then taken in rank order
 * while they fit the token budget, and shown in the experts' order.
 */
import { Bm25Index } from "../agents/memory/index.ts";

export { cosine } from "../agents/memory/index.ts";

/** One observation, as it is shown: whose it is and what it says. */
export interface Observation {
  expert: string;
  text: string;
}

/** A person's observations, with their vectors when they were embedded. */
export interface PersonReflections {
  observations: Observation[];
  vectors?: Float32Array[];
}

/** The same 4-characters-a-token estimate as the engine's. */
export function observationTokens(o: Observation): number {
  return Math.ceil((o.text.length + o.expert.length + 6) / 4);
}

export function bm25Scores(query: string, observations: readonly Observation[]): number[] {
  const index = new Bm25Index();
  observations.forEach((o, i) => {
    index.add(i, o.text);
  });
  return index.scores(
    query,
    observations.map((_, i) => i),
  );
}

/**
 * The observations to show: highest score first (ties in the experts' order), each taken if it
 * still fits `budgetTokens`; returned in the experts' order.
 */
export function withinBudget(
  observations: readonly Observation[],
  scores: readonly number[],
  budgetTokens: number,
): Observation[] {
  const order = observations.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const chosen: number[] = [];
  let used = 0;
  for (const i of order) {
    const t = observationTokens(observations[i]);
    if (used + t > budgetTokens) continue;
    chosen.push(i);
    used += t;
  }
  return chosen.sort((a, b) => a - b).map((i) => observations[i]);
}

/**
 * The observations as a prompt shows them: addressed to the person ("you", before the questions
 * of a call) or in their own voice ("me", after the transcript of a sequential survey's profile).
 */
export function observationsBlock(chosen: readonly Observation[], voice: "you" | "me"): string {
  if (chosen.length === 0) return "";
  const head =
    voice === "you"
      ? "Experts who read your interview wrote these observations about you (the ones most relevant to the questions below):"
      : "Experts who read my interview wrote these observations about me (the ones most relevant to the questions I am asked):";
  return `${head}\n${chosen.map((o) => `- (${o.expert}) ${o.text}`).join("\n")}`;
}

/** What the questions are about, as a retrieval query. */
export function questionsQuery(texts: readonly string[]): string {
  return texts.join("\n");
}
