/**
 * The five economic games of Park et al. 2024 (dictator, ultimatum, trust, public goods,
 * prisoner's dilemma) as pure code: parameters (the spec block), seats and order of play, the
 * prompt of every move, move checks against the rules, payoffs, fixed strategies and pairing.
 * Running them through the model is the episode engine's job; `playGame` is the reference order.
 */
export {
  type DictatorParams,
  type GameName,
  type GameParams,
  gameSchema,
  type PrisonersDilemmaParams,
  type PublicGoodsParams,
  parseGame,
  type TrustParams,
  type UltimatumParams,
} from "./params.ts";
export {
  formGroups,
  type PlayedGame,
  type Player,
  personSeat,
  playGame,
  statedMoves,
  strategySeats,
} from "./play.ts";
export {
  checkGameReply,
  checkMove,
  type GameMoveRequest,
  type GameTurn,
  gameTurnRequest,
} from "./prompts.ts";
export {
  type Move,
  maxAmount,
  moveKey,
  type Role,
  type RoundResult,
  resolveRound,
  rounds,
  seats,
  steps,
  totalPayoffs,
} from "./rules.ts";
export { STRATEGIES, type Strategy, strategyFor, strategyProblem } from "./strategies.ts";
