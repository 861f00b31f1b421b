/**
 * Expert reflections (interview+reflection conditioning): the stage that writes them, how they are
 * read back and kept, and how the most relevant ones join the answering prompts.
 */
export {
  chooseObservations,
  type ReflectedAnswerSettings,
  type Retrieval,
  reflectedAnswers,
  reflectedSurvey,
} from "./answer.ts";
export {
  DEFAULT_BUDGET_TOKENS,
  DEFAULT_EXPERTS,
  DEFAULT_OBSERVATIONS,
  type Expert,
  REFLECTION_MAX_OUTPUT_TOKENS,
} from "./experts.ts";
export { type Found, loadReflections, transcriptDigest } from "./load.ts";
export {
  checkEmbeddings,
  EMBEDDINGS_SPEAKER,
  type ReflectionProgramSettings,
  type ReflectionSource,
  reflectionItem,
  reflectionProgram,
} from "./program.ts";
export { checkReflection, OBSERVATIONS_SCHEMA, reflectionRequest, reflectionSystem } from "./request.ts";
export {
  bm25Scores,
  cosine,
  type Observation,
  observationsBlock,
  observationTokens,
  type PersonReflections,
  withinBudget,
} from "./select.ts";
