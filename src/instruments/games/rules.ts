import type { GameParams } from "./params.ts";

/**
 * The rules of each game: its seats and roles, who moves when, what a move is, which moves are
 * allowed, and what everyone earns. Everything here is pure and deterministic.
 */

export type Role = "dictator" | "recipient" | "proposer" | "responder" | "sender" | "receiver" | "player";

/** A move as the model answers it (one key per role; see moveKey). */
export type Move =
  | { give: number }
  | { offer: number }
  | { min_accept: number }
  | { accept: boolean }
  | { send: number }
  | { send_back: number }
  | { contribute: number }
  | { action: "cooperate" | "defect" };

/** The roles of the seats: seat 0 moves first in the sequential games. */
export function seats(g: GameParams): Role[] {
  switch (g.game) {
    case "dictator":
      return ["dictator", "recipient"];
    case "ultimatum":
      return ["proposer", "responder"];
    case "trust":
      return ["sender", "receiver"];
    case "public_goods":
      return Array.from({ length: g.group_size }, () => "player" as const);
    case "prisoners_dilemma":
      return ["player", "player"];
  }
}

export function rounds(g: GameParams): number {
  return g.game === "public_goods" || g.game === "prisoners_dilemma" ? g.rounds : 1;
}

/**
 * Who moves at each step of a round: seats in one step move at the same time (they see only
 * earlier steps and rounds); a later step sees the earlier steps' moves. The dictator's
 * recipient never moves; with the strategy method the responder moves without seeing the offer.
 */
export function steps(g: GameParams): number[][] {
  switch (g.game) {
    case "dictator":
      return [[0]];
    case "ultimatum":
      return g.method === "strategy" ? [[0, 1]] : [[0], [1]];
    case "trust":
      return [[0], [1]];
    case "public_goods":
      return [Array.from({ length: g.group_size }, (_, i) => i)];
    case "prisoners_dilemma":
      return [[0, 1]];
  }
}

/** The JSON key of a role's move. */
export function moveKey(g: GameParams, role: Role): string {
  switch (role) {
    case "dictator":
      return "give";
    case "proposer":
      return "offer";
    case "responder":
      return g.game === "ultimatum" && g.method === "direct" ? "accept" : "min_accept";
    case "sender":
      return "send";
    case "receiver":
      return "send_back";
    case "player":
      return g.game === "prisoners_dilemma" ? "action" : "contribute";
    case "recipient":
      return "";
  }
}

/** The largest amount a seat may choose, given the moves already made this round. */
export function maxAmount(g: GameParams, role: Role, earlier: ReadonlyMap<number, Move>): number {
  if (g.game === "trust" && role === "receiver") {
    const sent = earlier.get(0);
    if (!sent || !("send" in sent)) throw new Error("trust: the receiver moves after the sender");
    return Math.floor(g.multiplier * sent.send) + g.receiver_endowment;
  }
  return "endowment" in g ? g.endowment : 0;
}

export interface RoundResult {
  round: number;
  /** Seat → move. */
  moves: Move[];
  /** Seat → earnings of this round. */
  payoffs: number[];
  /** Ultimatum: whether the offer was accepted. */
  accepted?: boolean;
}

const num = (m: Move | undefined, key: string): number => {
  const v = (m as Record<string, unknown> | undefined)?.[key];
  if (typeof v !== "number") throw new Error(`expected a move with "${key}", got ${JSON.stringify(m)}`);
  return v;
};

/** Every seat's earnings in one round from every seat's move (the recipient's move is ignored). */
export function resolveRound(g: GameParams, round: number, moves: Move[]): RoundResult {
  switch (g.game) {
    case "dictator": {
      const give = num(moves[0], "give");
      return { round, moves, payoffs: [g.endowment - give, give] };
    }
    case "ultimatum": {
      const offer = num(moves[0], "offer");
      const r = moves[1] as Record<string, unknown>;
      const accepted = g.method === "direct" ? r.accept === true : offer >= num(moves[1], "min_accept");
      return { round, moves, payoffs: accepted ? [g.endowment - offer, offer] : [0, 0], accepted };
    }
    case "trust": {
      const send = num(moves[0], "send");
      const back = num(moves[1], "send_back");
      const received = Math.floor(g.multiplier * send) + g.receiver_endowment;
      return { round, moves, payoffs: [g.endowment - send + back, received - back] };
    }
    case "public_goods": {
      const c = moves.map((m) => num(m, "contribute"));
      const pot = c.reduce((a, b) => a + b, 0);
      return { round, moves, payoffs: c.map((ci) => g.endowment - ci + g.mpcr * pot) };
    }
    case "prisoners_dilemma": {
      const [a, b] = moves.map((m) => (m as { action: string }).action === "cooperate");
      const { temptation: t, reward: r, punishment: p, sucker: s } = g.payoffs;
      const pay = (me: boolean, other: boolean) => (me ? (other ? r : s) : other ? t : p);
      return { round, moves, payoffs: [pay(a, b), pay(b, a)] };
    }
  }
}

/** Earnings summed over rounds, per seat: what is stored per person. */
export function totalPayoffs(results: readonly RoundResult[]): number[] {
  const out: number[] = [];
  for (const r of results) for (const [i, p] of r.payoffs.entries()) out[i] = (out[i] ?? 0) + p;
  return out;
}
