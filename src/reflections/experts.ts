/**
 * The experts whose observations condition `interview+reflection` agents (Park et al. 2024: the
 * model takes each expert's role and writes high-level observations about the person from the
 * transcript). The instructions are written for Populace.
 */

export interface Expert {
  name: string;
  instructions: string;
}

export const DEFAULT_EXPERTS: readonly Expert[] = [
  {
    name: "psychologist",
    instructions:
      "Look at personality and temperament, emotional life and ways of coping, motivations and values, " +
      "how the person sees themselves and how they relate to other people.",
  },
  {
    name: "behavioural economist",
    instructions:
      "Look at how the person decides about money, risk, time and effort: patience, caution or boldness, " +
      "habits and self-control, and how much they trust, share with and cooperate with others.",
  },
  {
    name: "political scientist",
    instructions:
      "Look at political leanings and party, how firmly views are held, trust in government, media and " +
      "other institutions, civic participation, and positions on contested public questions.",
  },
  {
    name: "demographer",
    instructions:
      "Look at life stage, household and family, education, work and income, religion, where the person " +
      "has lived and moved, and how these circumstances shape their life.",
  },
];

/** Observations per expert unless the study says otherwise. */
export const DEFAULT_OBSERVATIONS = 5;
/** Tokens of observations in each answering prompt unless the study says otherwise. */
export const DEFAULT_BUDGET_TOKENS = 600;
/** Output allowance of one expert's reply. */
export const REFLECTION_MAX_OUTPUT_TOKENS = 800;
