/**
 * The reflection stage: one episode per person (and transcript share), each expert a turn through
 * the run's one call path, asked together so they share the transcript's cached prefix; then,
 * when observations are ranked by embeddings, one turn that embeds them all.
 */
import type { PlannedJob } from "../designs/index.ts";
import type { Checked, EpisodeProgram, EpisodeResponse } from "../engine/index.ts";
import { embeddingRequest, readEmbeddings } from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import type { Expert } from "./experts.ts";
import { checkReflection, reflectionRequest } from "./request.ts";

/** The speaker of embedding turns (the experts speak under their own names). */
export const EMBEDDINGS_SPEAKER = "embeddings";

/** The row of one expert's observations in a run's results. */
export function reflectionItem(expert: Expert): string {
  return `reflection:${expert.name}`;
}

export interface ReflectionSource {
  /** The system message of every expert's call: the transcript as a reader sees it. */
  system: string;
  /** The person's name as the transcript gives it. */
  respondent: string;
}

export interface ReflectionProgramSettings {
  experts: readonly Expert[];
  observations: number;
  /** The model that writes them (an id the run resolves); the run's model when absent. */
  model?: string;
  /** The embedding model (an id the run resolves) when observations are ranked by embeddings. */
  embedder?: string;
  source(job: PlannedJob): ReflectionSource;
}

/** A pure check of an embedding reply: `count` vectors of one size (the value is their size). */
export function checkEmbeddings(count: number) {
  return (reply: CachedResponse, request: ModelRequest): Checked<{ count: number; dimensions: number }> => {
    const read = readEmbeddings(reply.text, count);
    if (Array.isArray(read)) return { ok: true, value: { count, dimensions: read[0].length } };
    return { ok: false, problems: [{ reason: read.problem }], again: request };
  };
}

export function reflectionProgram(s: ReflectionProgramSettings): EpisodeProgram {
  return async (ctx) => {
    const source = s.source(ctx.job);
    const asked = await Promise.all(
      s.experts.map((expert) => {
        const request = reflectionRequest(source.system, expert, source.respondent, s.observations);
        return ctx.ask({
          speaker: expert.name,
          model: s.model,
          prompt: request.messages[1].content,
          request,
          check: (reply, sent) => checkReflection(reply, sent, s.observations),
        });
      }),
    );
    const rows: EpisodeResponse[] = asked.map((a, i) => ({
      item: reflectionItem(s.experts[i]),
      status: a.ok ? "ok" : "failed",
      answer: a.ok ? a.value.join("\n") : null,
      reason: a.ok ? null : a.reason,
      turn: a.turn,
    }));
    const texts = asked.flatMap((a) => (a.ok ? a.value : []));
    if (s.embedder && texts.length > 0) {
      // An invalid embedding reply leaves this person's observations ranked by BM25 (see load.ts).
      await ctx.ask({
        speaker: EMBEDDINGS_SPEAKER,
        model: s.embedder,
        prompt: `embed ${texts.length} observations`,
        request: embeddingRequest(texts),
        check: checkEmbeddings(texts.length),
      });
    }
    return rows;
  };
}
