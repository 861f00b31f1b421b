/**
 * Statistical calibration of simulated answers with a sample of human answers:
 * prediction-powered inference (PPI++) for means, treatment effects and regression
 * coefficients, and the mixed-subjects budget planner.
 */

export {
  type CalibrateCsvOptions,
  type CalibrationReport,
  calibrateCsv,
  calibrateTable,
  ESTIMANDS,
  type Estimand,
} from "./csv.ts";
export { tuneLambda } from "./lambda.ts";
export { type MeanData, meanAtLambda, meanLambda, ppiAte, ppiMean } from "./mean.ts";
export {
  type Allocation,
  effectiveN,
  type MixedSubjectsPlan,
  type PlanCosts,
  type PlanCsvOptions,
  type PlanGoal,
  planCsv,
  planMixedSubjects,
} from "./plan.ts";
export { ppiLogistic, ppiOls, type RegressionData, type RegressionOptions } from "./regression.ts";
export { calibrationReportDoc } from "./report.ts";
export type {
  AteCalibration,
  CalibrationOptions,
  Interval,
  LambdaChoice,
  MeanCalibration,
  RegressionCalibration,
  VectorInterval,
} from "./types.ts";
