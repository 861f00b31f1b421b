/** Regression recovery: the same model fitted to human and simulated data, coefficient by coefficient. */
export {
  type CoefComparison,
  type CoefEstimate,
  compareRegressions,
  parseFormula,
  type RegressionResult,
  type RegressionSpec,
  type RowSource,
  readRows,
} from "./recover.ts";
export { regressionReport, regressionSections } from "./report.ts";
