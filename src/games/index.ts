/**
 * The five economic games run as episodes: people grouped with the seed (or playing a fixed
 * strategy, or a stated move), one episode per group with a turn per person and round, moves
 * checked and repaired, earnings stored per person, and the decisions read back for the
 * comparison with human play (`populace games --run`).
 */
export { readGameDecisions } from "./decisions.ts";
export {
  ACCEPTED_ITEM,
  gameQuestions,
  moveAnswer,
  OTHERS_ITEM,
  PAYOFF_ITEM,
  personSeats,
  ROLE_ITEM,
  roundPrefix,
  seatItems,
} from "./items.ts";
export { type GameInputs, type GamePlan, gameJobId, gameJobs } from "./plan.ts";
export { type GameProgramSettings, gameProgram } from "./program.ts";
