import type { GameParams } from "./params.ts";
import { type Move, maxAmount, moveKey, type Role, type RoundResult, rounds, seats } from "./rules.ts";

/** What one seat sees when it moves: the game, the round, earlier rounds, and this round's earlier moves. */
export interface GameTurn {
  game: GameParams;
  seat: number;
  /** 1-based. */
  round: number;
  history: readonly RoundResult[];
  /** Moves of this round this seat sees (sequential steps, or a stated partner move): seat → move. */
  earlier: ReadonlyMap<number, Move>;
}

export interface GameMoveRequest {
  /** The user turn; the person's profile goes in the system turn, as for questions. */
  user: string;
  schema: { name: string; schema: Record<string, unknown> };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
/** "1 point", "3 points": the currency is named in the plural. */
const qty = (x: number, u: string) => `${fmt(x)} ${x === 1 ? u.replace(/s$/, "") : u}`;

function role(t: GameTurn): Role {
  return seats(t.game)[t.seat];
}

function rules(g: GameParams, r: Role): string {
  const u = g.currency;
  switch (g.game) {
    case "dictator":
      return `You have been given ${qty(g.endowment, u)}. You are paired with another participant who has nothing. You decide how many of your ${qty(g.endowment, u)} to give to the other participant; you keep the rest. The other participant has no say.`;
    case "ultimatum": {
      const base = `You and another participant will split ${qty(g.endowment, u)}. The proposer offers the responder part of the ${qty(g.endowment, u)}. If the responder accepts, the responder gets the offer and the proposer keeps the rest; if the responder rejects, both get nothing.`;
      const method =
        g.method === "strategy"
          ? " The responder decides, before seeing the offer, the smallest offer they will accept: a larger or equal offer is accepted, a smaller one is rejected."
          : "";
      return `${base}${method} You are the ${r}.`;
    }
    case "trust": {
      const extra =
        g.receiver_endowment > 0 ? ` The receiver also starts with ${qty(g.receiver_endowment, u)}.` : "";
      return `You and another participant play an investment game. The sender starts with ${qty(g.endowment, u)} and may send any part of it to the receiver; every ${u.replace(/s$/, "")} sent is multiplied by ${fmt(g.multiplier)} on its way. The receiver then decides how much of what they received to send back to the sender. The sender keeps what they do not send.${extra} You are the ${r}.`;
    }
    case "public_goods":
      return `You are in a group of ${g.group_size}. Every member starts each round with ${qty(g.endowment, u)} and decides how much to put into a group project, keeping the rest. Everything put into the project is multiplied by ${fmt(g.mpcr * g.group_size)} and shared equally among all ${g.group_size} members, so each ${u.replace(/s$/, "")} put in returns ${fmt(g.mpcr)} to every member, including the one who put it in.`;
    case "prisoners_dilemma": {
      const p = g.payoffs;
      return `You and another participant each choose to cooperate or to defect, without seeing the other's choice. If both cooperate, each gets ${qty(p.reward, u)}. If both defect, each gets ${qty(p.punishment, u)}. If one cooperates and the other defects, the one who cooperated gets ${qty(p.sucker, u)} and the one who defected gets ${qty(p.temptation, u)}.`;
    }
  }
}

function roundLine(t: GameTurn): string {
  const total = rounds(t.game);
  if (total === 1) return "";
  if (t.game.game === "prisoners_dilemma" && !t.game.horizon_known)
    return `This is round ${t.round}. There may be more rounds.`;
  return `This is round ${t.round} of ${total}; you play with the same ${t.game.game === "public_goods" ? "group" : "participant"} in every round.`;
}

/** One line per earlier round: what this seat did, what the others did, and what it earned. */
function historyLines(t: GameTurn): string[] {
  const u = t.game.currency;
  return t.history.map((h) => {
    const mine = h.payoffs[t.seat];
    if (t.game.game === "prisoners_dilemma") {
      const me = (h.moves[t.seat] as { action: string }).action;
      const other = (h.moves[1 - t.seat] as { action: string }).action;
      return `Round ${h.round}: you chose to ${me}, the other participant chose to ${other}; you earned ${qty(mine, u)}.`;
    }
    const c = h.moves.map((m) => (m as { contribute: number }).contribute);
    const others = c.reduce((a, b) => a + b, 0) - c[t.seat];
    return `Round ${h.round}: you put in ${c[t.seat]}, the other members put in ${others} in total; you earned ${qty(mine, u)}.`;
  });
}

/** What this round's earlier moves tell the mover (the offer, the amount sent, the partner's choice). */
function seenLines(t: GameTurn): string[] {
  const g = t.game;
  const u = g.currency;
  const lines: string[] = [];
  for (const [seat, m] of t.earlier) {
    if (seat === t.seat) continue;
    if ("offer" in m && g.game === "ultimatum")
      lines.push(
        `The proposer offers you ${m.offer} of the ${qty(g.endowment, u)} and would keep ${g.endowment - m.offer}.`,
      );
    if ("send" in m && g.game === "trust") {
      const received = Math.floor(g.multiplier * m.send);
      lines.push(
        `The sender sent you ${m.send} of their ${qty(g.endowment, u)}, which became ${qty(received, u)} on the way, so you have ${qty(received + g.receiver_endowment, u)}.`,
      );
    }
    if ("action" in m) lines.push(`The other participant has already chosen to ${m.action}.`);
  }
  if (g.game === "public_goods") {
    const others = [...t.earlier]
      .filter(([s]) => s !== t.seat)
      .map(([, m]) => (m as { contribute: number }).contribute);
    if (others.length > 0)
      lines.splice(
        0,
        lines.length,
        `The other ${g.group_size - 1} members have put in ${qty(
          others.reduce((a, b) => a + b, 0),
          u,
        )} in total this round.`,
      );
  }
  return lines;
}

function ask(t: GameTurn, max: number): { text: string; property: Record<string, unknown> } {
  const g = t.game;
  const u = g.currency;
  const key = moveKey(g, role(t));
  const whole = (what: string) => ({
    text: `${what} Reply with JSON only: {"${key}": <a whole number from 0 to ${max}>}.`,
    property: { type: "integer", minimum: 0, maximum: max },
  });
  switch (key) {
    case "give":
      return whole(`How many ${u} do you give to the other participant?`);
    case "offer":
      return whole(`How many ${u} do you offer the responder?`);
    case "min_accept":
      return whole(`What is the smallest offer, in ${u}, that you will accept?`);
    case "send":
      return whole(`How many ${u} do you send to the receiver?`);
    case "send_back":
      return whole(`How many ${u} do you send back to the sender?`);
    case "contribute":
      return whole(`How many ${u} do you put into the group project this round?`);
    case "accept":
      return {
        text: 'Do you accept the offer? Reply with JSON only: {"accept": true} or {"accept": false}.',
        property: { type: "boolean" },
      };
    default:
      return {
        text: 'Do you cooperate or defect? Reply with JSON only: {"action": "cooperate"} or {"action": "defect"}.',
        property: { type: "string", enum: ["cooperate", "defect"] },
      };
  }
}

/**
 * The prompt of one seat's move: the rules with their numbers, the round, earlier rounds, the
 * moves of this round it sees, and the question, with the JSON schema of the answer.
 */
export function gameTurnRequest(t: GameTurn): GameMoveRequest {
  const r = role(t);
  if (r === "recipient") throw new Error("the dictator's recipient makes no move");
  const max = maxAmount(t.game, r, t.earlier);
  const parts = [rules(t.game, r), roundLine(t), historyLines(t).join("\n"), seenLines(t).join("\n")];
  const q = ask(t, max);
  parts.push(q.text);
  const key = moveKey(t.game, r);
  return {
    user: parts.filter((p) => p !== "").join("\n\n"),
    schema: {
      name: "move",
      schema: {
        type: "object",
        properties: { [key]: q.property },
        required: [key],
        additionalProperties: false,
      },
    },
  };
}

function unfence(text: string): string {
  const s = text.trim();
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(s);
  return m ? m[1].trim() : s;
}

/**
 * A move checked against the rules: the one key of the role, a whole number within what this
 * seat may choose, a boolean, or cooperate/defect. Problems are worded for a repair prompt.
 */
export function checkMove(t: GameTurn, value: unknown): { move: Move } | { problems: { reason: string }[] } {
  const r = role(t);
  const key = moveKey(t.game, r);
  const u = t.game.currency;
  const bad = (reason: string) => ({ problems: [{ reason }] });
  if (typeof value !== "object" || value === null || Array.isArray(value) || !(key in value))
    return bad(`the reply has no "${key}" field; reply with {"${key}": …}`);
  const extra = Object.keys(value).filter((k) => k !== key);
  if (extra.length > 0)
    return bad(
      `unexpected field${extra.length > 1 ? "s" : ""} ${extra.map((k) => `"${k}"`).join(", ")}; reply with "${key}" only`,
    );
  const v = (value as Record<string, unknown>)[key];
  if (key === "accept") {
    if (typeof v === "boolean") return { move: { accept: v } };
    if (v === "true" || v === "false") return { move: { accept: v === "true" } };
    return bad(`accept: ${JSON.stringify(v)} is not true or false`);
  }
  if (key === "action") {
    const a = typeof v === "string" ? v.trim().toLowerCase() : v;
    if (a === "cooperate" || a === "defect") return { move: { action: a } };
    return bad(`action: ${JSON.stringify(v)} is not "cooperate" or "defect"`);
  }
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n))
    return bad(`${key}: ${JSON.stringify(v)} is not a number`);
  if (!Number.isInteger(n)) return bad(`${key}: ${n} is not a whole number of ${u}`);
  const max = maxAmount(t.game, r, t.earlier);
  if (n < 0) return bad(`${key}: ${n} is negative; choose from 0 to ${max}`);
  if (n > max) return bad(`${key}: ${n} is more than the ${qty(max, u)} you can choose from`);
  return { move: { [key]: n } as Move };
}

/** Parse a reply's text and check the move. */
export function checkGameReply(
  t: GameTurn,
  text: string,
): { move: Move } | { problems: { reason: string }[] } {
  let value: unknown;
  try {
    value = JSON.parse(unfence(text));
  } catch {
    return { problems: [{ reason: "the reply is not JSON; reply with the JSON object asked for" }] };
  }
  return checkMove(t, value);
}
