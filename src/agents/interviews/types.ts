/** Interview transcripts as Populace reads them (DESIGN section 3: interview-conditioned agents). */

/** How a transcript was read: a file format, or an interview kept in the store (`store`). */
export type TranscriptFormat = "text" | "jsonl" | "genagents" | "store";

/** One speaker's turn. `line` is where it starts in its file (1-based). */
export interface Turn {
  speaker: string;
  text: string;
  line: number;
}

/**
 * A question and the answer to it: an interviewer turn and the turns that follow it up to the
 * next interviewer turn (a genagents memory node is one exchange). Ablations keep or drop whole
 * exchanges, so no answer loses its question.
 */
export type Exchange = Turn[];

export type RedactionKind = "email" | "phone" | "address" | "name";

/** One masked span: what kind it was and where, never what it said. */
export interface Redaction {
  kind: RedactionKind;
  /** file:line of the turn (or file and field for demographics). */
  where: string;
}

/** A transcript after import: parsed, grouped into exchanges, redacted. */
export interface Transcript {
  file: string;
  format: TranscriptFormat;
  /** The interviewer's speaker label as written in the file. */
  interviewer: string;
  /** The interviewed person's label, reduced to its first word (their first name). */
  respondent: string;
  exchanges: Exchange[];
  /** Words spoken, over all turns. */
  words: number;
  /** Turns dropped because they were empty (genagents files open with an empty node). */
  emptyTurns: number;
  redactions: Redaction[];
}
