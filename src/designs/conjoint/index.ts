/**
 * Conjoint designs: attributes and levels with restrictions on impossible combinations, seeded
 * random profiles, forced-choice tasks of two profiles (K per person, optionally one repeated
 * for test-retest), the prompt of a task and the check of its answer, and the long table of
 * chosen profiles that the AMCE analysis (src/analysis/conjoint) reads.
 */
export {
  type ConjointAttribute,
  type ConjointDesign,
  type ConjointRestriction,
  type ConjointTask,
  checkConjointDesign,
  conjointDesignProblems,
  conjointTasks,
  type DesignProblem,
  drawProfile,
  isAllowed,
  type Profile,
  type RespondentTasks,
} from "./profiles.ts";
export {
  type ConjointTaskRequest,
  type ConjointWording,
  checkConjointChoice,
  conjointTaskRequest,
} from "./prompt.ts";
export {
  type ConjointProfileRow,
  conjointCsv,
  conjointRows,
  type RepeatedChoice,
  repeatedChoice,
} from "./table.ts";
