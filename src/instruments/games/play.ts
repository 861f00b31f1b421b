import { UserError } from "../../errors/index.ts";
import { createRng } from "../../random/index.ts";
import type { GameParams } from "./params.ts";
import { checkMove, type GameTurn } from "./prompts.ts";
import { type Move, type RoundResult, resolveRound, rounds, seats, steps, totalPayoffs } from "./rules.ts";
import { strategyFor } from "./strategies.ts";

/** Whoever fills a seat: a simulated person (in the engine, a model call) or a fixed strategy. */
export type Player = (turn: GameTurn) => Move;

export interface PlayedGame {
  rounds: RoundResult[];
  /** Earnings per seat summed over rounds. */
  totals: number[];
}

/**
 * The reference order of play: round by round, step by step; seats of one step move at the same
 * time and see only earlier steps; stated moves are seen from the start of every round. Every
 * move is checked against the rules. The episode engine runs the same order with model calls.
 */
export function playGame(
  g: GameParams,
  players: readonly (Player | null)[],
  stated = new Map<number, Move>(),
): PlayedGame {
  const history: RoundResult[] = [];
  for (let round = 1; round <= rounds(g); round++) {
    const earlier = new Map(stated);
    const moves: Move[] = [];
    for (const [seat, m] of stated) moves[seat] = m;
    for (const step of steps(g)) {
      const made: [number, Move][] = [];
      for (const seat of step) {
        if (stated.has(seat)) continue;
        const player = players[seat];
        if (!player) throw new Error(`seat ${seat} (${seats(g)[seat]}) has no player`);
        const turn: GameTurn = { game: g, seat, round, history: [...history], earlier: new Map(earlier) };
        const move = player(turn);
        const checked = checkMove(turn, move);
        if ("problems" in checked)
          throw new Error(
            `seat ${seat}, round ${round}: ${checked.problems.map((p) => p.reason).join("; ")}`,
          );
        made.push([seat, checked.move]);
      }
      for (const [seat, m] of made) {
        moves[seat] = m;
        earlier.set(seat, m);
      }
    }
    history.push(resolveRound(g, round, moves));
  }
  return { rounds: history, totals: totalPayoffs(history) };
}

/** The seat of the simulated person when its partner is a strategy or a stated move: its role's seat. */
export function personSeat(g: GameParams): number {
  return "role" in g && g.role !== undefined ? seats(g).indexOf(g.role) : 0;
}

/** The partner's stated move as the seat → move of this round (others' total split as evenly as possible). */
export function statedMoves(g: GameParams): Map<number, Move> {
  const out = new Map<number, Move>();
  if (g.partner.type !== "stated") return out;
  const m = g.partner.move;
  if (g.game === "prisoners_dilemma") out.set(1, { action: m as "cooperate" | "defect" });
  else if (g.game === "ultimatum") out.set(0, { offer: m as number });
  else if (g.game === "trust") out.set(0, { send: m as number });
  else if (g.game === "public_goods") {
    const n = g.group_size - 1;
    const total = m as number;
    for (let i = 0; i < n; i++)
      out.set(i + 1, { contribute: Math.floor(total / n) + (i < total % n ? 1 : 0) });
  }
  return out;
}

/**
 * Seats filled for a game against a fixed strategy: the person at its seat, the strategy in every
 * other seat that moves, each strategy's random draws seeded per seat.
 */
export function strategySeats(g: GameParams, person: Player, seed: number | string): (Player | null)[] {
  const roles = seats(g);
  const mine = personSeat(g);
  if (g.partner.type !== "strategy") throw new UserError("strategySeats: the partner is not a strategy");
  const partner = g.partner;
  return roles.map((role, seat) => {
    if (seat === mine) return person;
    if (role === "recipient") return null;
    const s = strategyFor(g.game, role, partner.strategy, partner.value);
    const rng = createRng(`${seed}:strategy:${seat}`);
    return (turn: GameTurn) => s.move(turn, partner.value, rng);
  });
}

/**
 * People paired (or grouped) for games between simulated people: a seeded shuffle cut into
 * groups of `size`; the order within a group is the seat order, so roles are assigned at random.
 * People left over (fewer than `size`) are returned apart, not dropped silently.
 */
export function formGroups(
  ids: readonly string[],
  size: number,
  seed: number | string,
): { groups: string[][]; unmatched: string[] } {
  if (!Number.isInteger(size) || size < 2)
    throw new UserError(`a group needs at least 2 people, got ${size}`);
  if (new Set(ids).size !== ids.length) throw new UserError("person ids must be distinct to form groups");
  const order = createRng(`${seed}:groups`).shuffle(ids);
  const full = Math.floor(order.length / size) * size;
  const groups: string[][] = [];
  for (let i = 0; i < full; i += size) groups.push(order.slice(i, i + size));
  return { groups, unmatched: order.slice(full) };
}
