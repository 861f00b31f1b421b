/** Demand curves: share buying per price with CIs, slope, sign and monotonicity, per design mode, against human data. */
export { type DemandCurve, type DemandPoint, demandCurve, type Purchase, readPurchases } from "./curve.ts";
export { antitonic, type MonotoneTest, monotoneTest } from "./monotone.ts";
export { demandReport, demandSections, monotoneText } from "./report.ts";
export {
  type DemandStudy,
  type DesignAnswer,
  demandStudy,
  type ModeResult,
  PROBE_ITEM_PREFIX,
  readDesignAnswers,
  type VersusHuman,
} from "./study.ts";
