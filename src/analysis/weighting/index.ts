/**
 * Weighting a sample to a target population (DESIGN §10): target margins, raking and
 * post-stratification to them, design effects, and the sample-vs-target table for reports.
 */
export {
  cellKey,
  levelKey,
  type Margin,
  type MarginCell,
  marginsCsv,
  parseMargins,
  readMargins,
  SHARE_TOLERANCE,
  weightedMargins,
} from "./margins.ts";
export {
  computeWeights,
  designEffect,
  type SamplePerson,
  type WeightingMethod,
  type WeightingOptions,
  type WeightingResult,
} from "./rake.ts";
export { type SampleVsTarget, sampleVsTarget, sampleVsTargetSection, type TargetRow } from "./target.ts";
export { readWeights, type WeightMap } from "./weights.ts";
