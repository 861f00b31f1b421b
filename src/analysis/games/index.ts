/** Simulated against human play of economic games: distributions (W1, JSD), means with CIs, by round or partner move. */
export {
  type CompareOptions,
  compareGamePlay,
  type Decision,
  type GroupComparison,
  type PlayComparison,
  readDecisions,
  type SideSummary,
} from "./compare.ts";
export { gamePlayReport, gamePlaySections } from "./report.ts";
