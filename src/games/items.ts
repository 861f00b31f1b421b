import {
  type GameParams,
  type Move,
  moveKey,
  personSeat,
  type Role,
  rounds,
  seats,
  steps,
} from "../instruments/games/index.ts";
import type { Answer, Question } from "../instruments/types.ts";

/**
 * What a game stores per person (one row each): their role; per round their move, the others'
 * move (the partner's, or the other members' total in public goods), their earnings, and in the
 * ultimatum game whether the offer was accepted; in a repeated game the total earnings too.
 * Items of round t are prefixed "rT." when the game has several rounds.
 */
export const ROLE_ITEM = "role";
export const OTHERS_ITEM = "others";
export const PAYOFF_ITEM = "payoff";
export const ACCEPTED_ITEM = "accepted";

export function roundPrefix(g: GameParams, round: number): string {
  return rounds(g) > 1 ? `r${round}.` : "";
}

/** Whether a seat ever moves (the dictator's recipient does not). */
export function moves(g: GameParams, seat: number): boolean {
  return steps(g).some((s) => s.includes(seat));
}

/** The seats a simulated person fills: every seat against people, else the person's own. */
export function personSeats(g: GameParams): number[] {
  return g.partner.type === "person" ? seats(g).map((_, i) => i) : [personSeat(g)];
}

/** The items of one seat's person, in the order they are stored. */
export function seatItems(g: GameParams, seat: number): string[] {
  const role = seats(g)[seat];
  const items = [ROLE_ITEM];
  for (let round = 1; round <= rounds(g); round++) {
    const p = roundPrefix(g, round);
    if (moves(g, seat)) items.push(p + moveKey(g, role));
    if (othersMove(g, seat)) items.push(p + OTHERS_ITEM);
    if (g.game === "ultimatum") items.push(p + ACCEPTED_ITEM);
    items.push(p + PAYOFF_ITEM);
  }
  if (rounds(g) > 1) items.push(PAYOFF_ITEM);
  return items;
}

/** Whether some other seat moves (the dictator has no partner move to record). */
function othersMove(g: GameParams, seat: number): boolean {
  return seats(g).some((_, s) => s !== seat && moves(g, s));
}

/** A move as a stored answer: an amount, an action, or Yes/No for accepting an offer. */
export function moveAnswer(move: Move): Answer {
  const v = Object.values(move)[0];
  return typeof v === "boolean" ? (v ? "Yes" : "No") : (v as Answer);
}

/** The others' move of a round as one answer: the other seat's move, or the others' total contribution. */
export function othersAnswer(g: GameParams, seat: number, roundMoves: readonly Move[]): Answer {
  if (g.game === "public_goods")
    return roundMoves.reduce(
      (sum, m, s) => (s === seat ? sum : sum + (m as { contribute: number }).contribute),
      0,
    );
  const other = roundMoves.findIndex((m, s) => s !== seat && m !== undefined);
  return moveAnswer(roundMoves[other]);
}

const roleText: Record<Role, string> = {
  dictator: "the dictator (decides how much to give)",
  recipient: "the recipient (makes no move)",
  proposer: "the proposer (offers a split)",
  responder: "the responder (accepts or rejects)",
  sender: "the sender (sends part of the endowment)",
  receiver: "the receiver (sends part back)",
  player: "a player",
};

/** The questions behind the stored items (for reports): one per item id across the seats people fill. */
export function gameQuestions(g: GameParams): Question[] {
  const out = new Map<string, Question>();
  const roles = [...new Set(personSeats(g).map((s) => seats(g)[s]))];
  const endowment = "endowment" in g ? g.endowment : undefined;
  const amount = (id: string, text: string, max?: number): Question => ({
    id,
    type: "numeric",
    text,
    min: 0,
    ...(max !== undefined ? { max } : {}),
  });
  out.set(ROLE_ITEM, {
    id: ROLE_ITEM,
    type: "multiple_choice",
    text: `Role played: ${roles.map((r) => roleText[r]).join("; ")}`,
    options: roles,
  });
  for (const seat of personSeats(g)) {
    const role = seats(g)[seat];
    for (let round = 1; round <= rounds(g); round++) {
      const p = roundPrefix(g, round);
      const key = moveKey(g, role);
      const r = rounds(g) > 1 ? ` in round ${round}` : "";
      if (moves(g, seat) && !out.has(p + key)) {
        if (key === "action")
          out.set(p + key, {
            id: p + key,
            type: "multiple_choice",
            text: `Cooperate or defect${r}`,
            options: ["cooperate", "defect"],
          });
        else if (key === "accept")
          out.set(p + key, {
            id: p + key,
            type: "yes_no",
            text: `Accepts the offer${r}`,
            options: ["Yes", "No"],
          });
        else
          out.set(
            p + key,
            amount(
              p + key,
              `${key.replace("_", " ")} (${g.currency})${r}`,
              key === "send_back" ? undefined : endowment,
            ),
          );
      }
      if (!out.has(p + OTHERS_ITEM) && othersMove(g, seat)) {
        out.set(
          p + OTHERS_ITEM,
          g.game === "prisoners_dilemma"
            ? {
                id: p + OTHERS_ITEM,
                type: "multiple_choice",
                text: `The partner's action${r}`,
                options: ["cooperate", "defect"],
              }
            : g.game === "ultimatum" && g.method === "direct"
              ? {
                  id: p + OTHERS_ITEM,
                  type: "free_text",
                  text: "The partner's move (the offer, or Yes/No for the answer to it)",
                }
              : amount(
                  p + OTHERS_ITEM,
                  `The partner's move${g.game === "public_goods" ? " (the other members' total)" : ""}${r}`,
                ),
        );
      }
      if (g.game === "ultimatum")
        out.set(p + ACCEPTED_ITEM, {
          id: p + ACCEPTED_ITEM,
          type: "yes_no",
          text: `The offer was accepted${r}`,
          options: ["Yes", "No"],
        });
      out.set(p + PAYOFF_ITEM, amount(p + PAYOFF_ITEM, `Earnings (${g.currency})${r}`));
    }
  }
  if (rounds(g) > 1)
    out.set(PAYOFF_ITEM, amount(PAYOFF_ITEM, `Earnings over all ${rounds(g)} rounds (${g.currency})`));
  return [...out.values()];
}
