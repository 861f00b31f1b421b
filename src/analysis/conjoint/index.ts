/** Conjoint analysis: AMCEs with respondent-clustered errors, and choice agreement against a test-retest ceiling. */
export {
  type Agreement,
  type ChoiceAgreement,
  choiceAgreement,
  repeatedTaskAgreement,
  type TaskChoice,
} from "./agreement.ts";
export {
  type AmceEstimate,
  type AmceResult,
  type AmceSpec,
  type AmceTerm,
  amceJson,
  estimateAmce,
} from "./amce.ts";
export { amceReport, amceSections } from "./report.ts";
