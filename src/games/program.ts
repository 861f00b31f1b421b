import type { EpisodeContext, EpisodeProgram, EpisodeResponse, Participant } from "../engine/index.ts";
import {
  checkGameReply,
  type GameParams,
  type GameTurn,
  gameTurnRequest,
  type Move,
  moveKey,
  type Player,
  personSeat,
  type RoundResult,
  resolveRound,
  rounds,
  seats,
  statedMoves,
  steps,
  strategySeats,
} from "../instruments/games/index.ts";
import type { Answer } from "../instruments/types.ts";
import { systemPrompt } from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import {
  ACCEPTED_ITEM,
  moveAnswer,
  OTHERS_ITEM,
  othersAnswer,
  PAYOFF_ITEM,
  ROLE_ITEM,
  roundPrefix,
  seatItems,
} from "./items.ts";
import type { GameInputs } from "./plan.ts";

export interface GameProgramSettings {
  game: GameParams;
  /** Text each arm shows before the rules ("" for none). */
  arms: ReadonlyMap<string, string>;
  /** The model seed of a person's replicate (the same as in any other study of theirs). */
  seedFor: (agentId: string, replicate: number) => number;
  temperature?: number;
  maxOutputTokens: number;
}

/** Earnings are money: rounded to a millionth, so 0.4 × 33 is stored as 13.2. */
const money = (x: number) => Math.round(x * 1e6) / 1e6;

/** A seat's occupant: a simulated person, a fixed strategy, a stated move, or nobody (the recipient). */
type Seat = { person: Participant } | { strategy: Player; name: string } | { stated: Move } | { idle: true };

/**
 * A game as one episode per group: round by round, step by step, each person's move one turn
 * (the people of one step are asked together and see only earlier steps; later steps see the
 * moves before them), a strategy's move a note, the round's result a note. Every move is checked
 * against the rules and repaired like any answer; each person's rows hold their role, moves, the
 * others' moves and earnings. A move still invalid after the repairs ends the game: the rows not
 * reached fail with the reason. Control flow depends only on the job, the seed and the answers,
 * so a rerun replays finished turns from the cache.
 */
export function gameProgram(s: GameProgramSettings): EpisodeProgram {
  const g = s.game;
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { job } = ctx;
    const inputs = job.inputs as GameInputs | undefined;
    if (!inputs?.group?.length) throw new Error(`internal error: game job ${job.jobId} has no group`);
    if (inputs.unmatched) {
      const { of, size } = inputs.unmatched;
      return [
        {
          item: ROLE_ITEM,
          status: "skipped",
          answer: null,
          reason: `skipped: not played: ${of} people in groups of ${size} leave ${of % size} over, chosen with the seed`,
          turn: null,
        },
      ];
    }
    const roles = seats(g);
    const occupants = seatsOf(g, inputs.group, ctx);
    const people = occupants.flatMap((o, seat) => ("person" in o ? [{ seat, person: o.person }] : []));
    ctx.note("game", occupants.map((o, seat) => `${roles[seat]}: ${describe(o)}`).join("; "), {
      group: inputs.group,
      roles,
      partner: g.partner,
    });
    const rows = new Map<string, EpisodeResponse>();
    const put = (seat: number, item: string, answer: Answer, turn: number) => {
      const o = occupants[seat];
      if (!("person" in o)) return;
      rows.set(`${o.person.id}\u0000${item}`, {
        item,
        agentId: o.person.id,
        status: "ok",
        answer,
        reason: null,
        turn,
      });
    };
    // The first model turn of each seat, and the last model turn of the round being settled.
    const firstTurn = new Map<number, number>();
    const history: RoundResult[] = [];
    const armText = s.arms.get(job.arm) ?? "";
    let stopped: string | null = null;
    let settled = -1;
    for (let round = 1; round <= rounds(g) && !stopped; round++) {
      const p = roundPrefix(g, round);
      const stated = new Map<number, Move>();
      occupants.forEach((o, seat) => {
        if ("stated" in o) stated.set(seat, o.stated);
      });
      const earlier = new Map(stated);
      const moves: Move[] = [];
      for (const [seat, m] of stated) moves[seat] = m;
      for (const step of steps(g)) {
        // Seats of one step move at once: each sees this round's earlier steps, not the others of its own.
        const asked = step
          .filter((seat) => !stated.has(seat))
          .map((seat): Promise<Made> => {
            const o = occupants[seat];
            const turn: GameTurn = { game: g, seat, round, history: [...history], earlier: new Map(earlier) };
            if ("strategy" in o) {
              const move = o.strategy(turn);
              ctx.note(`strategy:${o.name}`, JSON.stringify(move), { seat, round, move });
              return Promise.resolve({ seat, move, turn: null, reason: null });
            }
            if (!("person" in o)) throw new Error(`internal error: seat ${seat} of ${job.jobId} cannot move`);
            return askMove(ctx, s, o.person, turn, armText);
          });
        for (const m of await Promise.all(asked)) {
          if (m.turn !== null) {
            settled = Math.max(settled, m.turn);
            if (!firstTurn.has(m.seat)) firstTurn.set(m.seat, m.turn);
          }
          const item = p + moveKey(g, roles[m.seat]);
          if (m.move === null) {
            const who = occupants[m.seat] as { person: Participant };
            stopped ??= `not played: ${who.person.id}'s ${item} was invalid (${m.reason})`;
            rows.set(`${who.person.id}\u0000${item}`, {
              item,
              agentId: who.person.id,
              status: "failed",
              answer: null,
              reason: m.reason,
              turn: m.turn,
            });
            continue;
          }
          moves[m.seat] = m.move;
          earlier.set(m.seat, m.move);
          if (m.turn !== null) put(m.seat, item, moveAnswer(m.move), m.turn);
        }
        if (stopped) break;
      }
      if (stopped) break;
      const result = resolveRound(g, round, moves);
      result.payoffs = result.payoffs.map(money);
      history.push(result);
      ctx.note("game", roundText(g, result, occupants), {
        round,
        moves,
        payoffs: result.payoffs,
        accepted: result.accepted,
      });
      // Rows worked out from the moves carry the model turn that settled the round (a share of its tokens).
      for (const { seat } of people) {
        if (roles.some((_, o) => o !== seat && moves[o] !== undefined))
          put(seat, p + OTHERS_ITEM, othersAnswer(g, seat, moves), settled);
        if (result.accepted !== undefined)
          put(seat, p + ACCEPTED_ITEM, result.accepted ? "Yes" : "No", settled);
        put(seat, p + PAYOFF_ITEM, result.payoffs[seat], settled);
      }
    }
    const out: EpisodeResponse[] = [];
    for (const { seat, person } of people) {
      put(seat, ROLE_ITEM, roles[seat], firstTurn.get(seat) ?? settled);
      if (rounds(g) > 1 && history.length === rounds(g))
        put(seat, PAYOFF_ITEM, money(history.reduce((a, h) => a + h.payoffs[seat], 0)), settled);
      for (const item of seatItems(g, seat)) {
        out.push(
          rows.get(`${person.id}\u0000${item}`) ?? {
            item,
            agentId: person.id,
            status: "failed",
            answer: null,
            reason: stopped ?? "not played",
            turn: null,
          },
        );
      }
    }
    return out;
  };
}

/** Who fills each seat: the group's people against people; else the person, and strategies or stated moves. */
function seatsOf(g: GameParams, group: readonly string[], ctx: EpisodeContext): Seat[] {
  const roles = seats(g);
  if (g.partner.type === "person") return roles.map((_, seat) => ({ person: ctx.participant(group[seat]) }));
  const mine = personSeat(g);
  const person = ctx.participant(group[0]);
  if (g.partner.type === "stated") {
    const stated = statedMoves(g);
    return roles.map((_, seat) =>
      seat === mine ? { person } : stated.has(seat) ? { stated: stated.get(seat)! } : { idle: true as const },
    );
  }
  const name = g.partner.strategy;
  const players = strategySeats(g, () => ({ give: 0 }), ctx.seed);
  return roles.map((_, seat) => {
    if (seat === mine) return { person };
    const p = players[seat];
    return p ? { strategy: p, name } : { idle: true as const };
  });
}

function describe(o: Seat): string {
  if ("person" in o) return o.person.id;
  if ("strategy" in o) return `strategy ${o.name}`;
  if ("stated" in o) return `stated move ${JSON.stringify(o.stated)}`;
  return "nobody";
}

function roundText(g: GameParams, r: RoundResult, occupants: readonly Seat[]): string {
  const moves = r.moves
    .map((m, seat) => (m ? `${describe(occupants[seat])} ${JSON.stringify(m)}` : null))
    .filter(Boolean)
    .join(", ");
  const accepted = r.accepted === undefined ? "" : r.accepted ? "; accepted" : "; rejected";
  return `Round ${r.round}: ${moves}${accepted}; earnings ${r.payoffs.join(", ")} ${g.currency}`;
}

/** A seat's move (turn null for a strategy's, which calls no model), or why there is none. */
type Made =
  | { seat: number; move: Move; turn: number | null; reason: null }
  | { seat: number; move: null; turn: number; reason: string };

/** One person's move as one turn: their profile, the arm's text, the rules and what they see; checked and repaired. */
async function askMove(
  ctx: EpisodeContext,
  s: GameProgramSettings,
  person: Participant,
  turn: GameTurn,
  armText: string,
): Promise<Made> {
  const move = gameTurnRequest(turn);
  const user = armText.trim() ? `${armText.trim()}\n\n${move.user}` : move.user;
  const key = moveKey(turn.game, seats(turn.game)[turn.seat]);
  const request: ModelRequest = {
    messages: [
      { role: "system", content: systemPrompt(person.profile) },
      { role: "user", content: user },
    ],
    schema: move.schema,
    seed: s.seedFor(person.id, ctx.job.replicate),
    maxOutputTokens: s.maxOutputTokens,
    subject: {
      agentId: person.id,
      attributes: person.attributes,
      items: [{ id: key }],
      replicate: ctx.job.replicate,
    },
  };
  if (s.temperature !== undefined) request.temperature = s.temperature;
  const asked = await ctx.ask<Move>({
    speaker: person.id,
    prompt: user,
    request,
    check: (reply, sent) => {
      const checked = checkGameReply(turn, reply.text);
      if ("move" in checked) return { ok: true, value: checked.move };
      return { ok: false, problems: checked.problems, again: repairMove(sent, reply, checked.problems, key) };
    },
  });
  if (!asked.ok) return { seat: turn.seat, move: null, turn: asked.turn, reason: asked.reason };
  return { seat: turn.seat, move: asked.value, turn: asked.turn, reason: null };
}

/** The request again with the reply and what was wrong with it, asking for the move only. */
function repairMove(
  sent: ModelRequest,
  reply: CachedResponse,
  problems: { reason: string }[],
  key: string,
): ModelRequest {
  return {
    ...sent,
    messages: [
      ...sent.messages,
      { role: "assistant", content: reply.text.trim() === "" ? "(empty reply)" : reply.text },
      {
        role: "user",
        content: [
          "Your reply could not be used:",
          ...problems.map((p) => `- ${p.reason}`),
          "",
          `Reply again with JSON only: {"${key}": …} as the rules above allow.`,
        ].join("\n"),
      },
    ],
  };
}
