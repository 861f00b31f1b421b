/**
 * Interviews held by Populace's interviewer (kept in the store) as interview agents: the same
 * transcript rules as files (exchanges, first-name labels, PII masked unless asked not to).
 */
import { seededSample } from "../sample.ts";
import type { Agent } from "../types.ts";
import { buildTranscript } from "./transcript.ts";

/** What an agent needs of a stored interview (the store's InterviewSession has all of it). */
export interface StoredInterview {
  id: string;
  agentId: string;
  interviewer: string;
  turns: { speaker: string; text: string }[];
  attributes: Record<string, string>;
}

export function storedInterviewAgents(
  interviews: readonly StoredInterview[],
  options: { where: string; redact?: boolean; n?: number; seed: number | string },
): Agent[] {
  const agents = interviews.map((s): Agent => {
    const file = `${options.where} (interview ${s.id})`;
    const transcript = buildTranscript(
      {
        file,
        format: "store",
        turns: s.turns.map((t, i) => ({ speaker: t.speaker, text: t.text, line: i + 1 })),
        emptyTurns: 0,
        otherNodes: 0,
      },
      { interviewer: s.interviewer, redact: options.redact },
    );
    return { id: s.agentId, source: "interview", attributes: { ...s.attributes }, interview: transcript };
  });
  agents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return seededSample(agents, options.n, options.seed, "stored interviews");
}
