/**
 * Fidelity of simulated people to real ones (DESIGN §6): individual accuracy against a
 * test-retest ceiling, distribution distances, subgroup parity, heterogeneity, coherence.
 */
export {
  type AnswerRow,
  type AnswerSet,
  type AnswerSource,
  type AnswerType,
  loadAnswers,
} from "./answers.ts";
export {
  type CoherenceResult,
  type CompareOptions,
  compareFidelity,
  type FidelityInput,
  type FidelityResult,
  type GroupFidelity,
  type ItemFidelity,
  type SubgroupFidelity,
} from "./compare.ts";
export { entropy, jensenShannon, shares, totalVariation, wasserstein1 } from "./distances.ts";
export { fidelityReport } from "./report.ts";
