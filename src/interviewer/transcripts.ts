/**
 * An interview's transcript from its episode's turns: the interviewer's scripted words (notes),
 * their probes (decision turns that chose to probe) and the person's answers, in order. Kept in
 * the store as an interview (an agent to condition on) and written as JSONL that
 * `source: interviews` reads.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InterviewSession, TurnRecord } from "../store/types.ts";
import { INTERVIEWER_SPEAKER } from "./program.ts";

export interface TranscriptTurn {
  speaker: string;
  text: string;
}

/** The label a simulated person's answers carry: their first name when it is known. */
export function respondentLabel(attributes: Record<string, string>): string {
  const first = attributes.first_name?.trim().split(/\s+/)[0];
  return first && /^[\p{L}][\p{L}'’-]*$/u.test(first) ? first : "Respondent";
}

/** The turns of one interview job (in turn order) as a transcript. */
export function transcriptOf(
  turns: readonly TurnRecord[],
  labels: { interviewer: string; respondent: string },
): TranscriptTurn[] {
  const out: TranscriptTurn[] = [];
  for (const t of turns) {
    if (t.status === "note" && t.speaker === INTERVIEWER_SPEAKER) {
      out.push({ speaker: labels.interviewer, text: t.text });
    } else if (t.status === "ok" && t.speaker === INTERVIEWER_SPEAKER) {
      const move = (t.payload as { value?: { action?: string; question?: string } } | null)?.value;
      if (move?.action === "probe" && move.question)
        out.push({ speaker: labels.interviewer, text: move.question });
    } else if (t.status === "ok") {
      const answer = (t.payload as { value?: unknown } | null)?.value;
      if (typeof answer === "string") out.push({ speaker: labels.respondent, text: answer });
    }
  }
  return out;
}

/** Words the person said in a transcript. */
export function respondentWords(s: Pick<InterviewSession, "turns" | "respondent">): number {
  let n = 0;
  for (const t of s.turns) if (t.speaker === s.respondent) n += t.text.match(/\S+/g)?.length ?? 0;
  return n;
}

/** Writes each interview as `DIR/<agent id>.jsonl`, one {"speaker", "text"} a line; returns the files. */
export function writeTranscripts(dir: string, sessions: readonly InterviewSession[]): string[] {
  return sessions.map((s) => {
    const file = join(dir, `${s.agentId}.jsonl`);
    writeFileSync(
      file,
      s.turns.map((t) => `${JSON.stringify({ speaker: t.speaker, text: t.text })}\n`).join(""),
    );
    return file;
  });
}
