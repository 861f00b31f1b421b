import type { Transcript } from "./interviews/types.ts";

/**
 * How a simulated person is conditioned (Park et al. 2024 compared these): `demographic`
 * (attributes only), `persona` (a self-description, with any attributes), `interview` (the
 * interview transcript; `keep` < 1 keeps a seeded random share of its exchanges, an ablation),
 * `interview+reflection` (the transcript, and at answer time the experts' observations about the
 * person most relevant to the questions).
 */
export type ConditioningMode = "demographic" | "persona" | "interview" | "interview+reflection";

export interface Conditioning {
  mode: ConditioningMode;
  /**
   * Its name in a study that compares several conditionings: each is an arm of conditioning,
   * and its jobs' arm is `DESIGN-ARM·LABEL` (e.g. `control·interview-keep0.2`).
   */
  label?: string;
  /** interview: share of the exchanges kept, in (0, 1]. */
  keep?: number;
  /** interview: seed of the kept share (with the person's id). */
  seed?: number | string;
}

/** An imported interview: the redacted transcript and where the person's demographics came from. */
export interface InterviewRecord extends Transcript {
  /** The file (and line) the attributes were read from, when there were any. */
  demographics?: string;
}

/** A simulated person's seed: where it came from, what is known about them, and persona text. */
export interface Agent {
  id: string;
  source: "agent-bank" | "csv" | "persona" | "gss-panel" | "interview" | "web-session";
  /** Known attributes, by name as the source spells them (values as text). */
  attributes: Record<string, string>;
  /** Free-text self-description, used as-is in the profile. */
  persona?: string;
  /** The interview behind an interview agent. */
  interview?: InterviewRecord;
  /** How the profile is written; without it: persona text (if any) then attributes. */
  conditioning?: Conditioning;
}
