/** Treatment-effect replication: human vs. simulated effects per study and across studies. */
export { type Effect, type Estimate, estimateEffect } from "./estimate.ts";
export {
  type ArmOutcome,
  compareEffects,
  type EffectColumns,
  type EffectsResult,
  readArmOutcomes,
  type StudyComparison,
} from "./replicate.ts";
export { effectsReport, effectsSections } from "./report.ts";
