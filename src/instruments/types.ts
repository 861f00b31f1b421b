/** Question types of the first cut (DESIGN section 4). */
export type QuestionType = "multiple_choice" | "yes_no" | "likert" | "linear_scale" | "numeric" | "free_text";

export interface Question {
  /** Stable id, e.g. a GSS variable name ("cappun"). */
  id: string;
  type: QuestionType;
  text: string;
  /** Closed questions: the options in display order (yes_no: ["Yes", "No"]). */
  options?: string[];
  /** numeric / linear_scale bounds (inclusive). */
  min?: number;
  max?: number;
}

/** A validated answer: an option's text, a number, or free text. */
export type Answer = string | number;
