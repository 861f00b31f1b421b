/** Treatment-effect replication: human vs. simulated effects per study and across studies. */
export { type Effect, type Estimate, estimateEffect, isBinary } from "./estimate.ts";
export {
  type ArmOutcome,
  compareEffects,
  type EffectColumns,
  type EffectsResult,
  readArmOutcomes,
  type StudyComparison,
  weightCell,
} from "./replicate.ts";
export { effectsReport, effectsSections } from "./report.ts";
export { subgroupSections } from "./subgroup-report.ts";
export {
  type InteractionTest,
  interactionTest,
  type SubgroupEffect,
  type SubgroupEffects,
} from "./subgroups.ts";
