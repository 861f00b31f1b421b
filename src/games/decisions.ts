import type { Decision } from "../analysis/games/index.ts";
import { UserError } from "../errors/index.ts";
import { type GameParams, moveKey, type Role, rounds, seats } from "../instruments/games/index.ts";
import type { Answer } from "../instruments/types.ts";
import type { Store } from "../store/types.ts";
import { OTHERS_ITEM, ROLE_ITEM, roundPrefix } from "./items.ts";

/**
 * A game run's decisions of one role on the comparison's common scale (src/analysis/games): a
 * share of what the player could choose from (the endowment; for the trust receiver what
 * arrived), or 1/0 for a binary choice (cooperate, accept). `partner` is the partner's move the
 * person saw before choosing, on the same scale: the earlier step of the round (the offer, the
 * amount sent), a stated move, or in a repeated game the partner's (the other members' mean)
 * move of the round before; absent when nothing was seen (one-shot simultaneous games, round 1).
 */
export async function readGameDecisions(
  store: Store,
  runId: string,
  g: GameParams,
  role: Role,
  arm?: string,
): Promise<{ decisions: Decision[]; arms: string[]; people: number }> {
  if (!seats(g).includes(role))
    throw new UserError(
      `the ${g.game} game has no role "${role}" (roles: ${[...new Set(seats(g))].join(", ")})`,
    );
  if (role === "recipient") throw new UserError("the dictator's recipient makes no decision to compare");
  const byPerson = new Map<string, { arm: string; person: string; answers: Map<string, Answer> }>();
  const arms: string[] = [];
  for await (const r of store.responses(runId)) {
    if (!arms.includes(r.arm)) arms.push(r.arm);
    if (r.status !== "ok" || r.answer === null) continue;
    const key = `${r.jobId}\u0000${r.agentId}`;
    let entry = byPerson.get(key);
    if (!entry) {
      entry = { arm: r.arm, person: r.agentId, answers: new Map() };
      byPerson.set(key, entry);
    }
    entry.answers.set(r.item, r.answer);
  }
  if (arm !== undefined && !arms.includes(arm))
    throw new UserError(`--sim-arm ${arm}: run ${runId} has no arm "${arm}" (arms: ${arms.join(", ")})`);
  if (arm === undefined && arms.length > 1)
    throw new UserError(`run ${runId} has several arms (${arms.join(", ")}): choose one with --sim-arm`);
  const key = moveKey(g, role);
  const endowment = "endowment" in g ? g.endowment : 1;
  const binary = key === "action" || key === "accept";
  const scale = (a: Answer | undefined, of: number): number | undefined => {
    if (a === undefined) return undefined;
    if (a === "cooperate" || a === "Yes") return 1;
    if (a === "defect" || a === "No") return 0;
    return typeof a === "number" && of > 0 ? Math.min(1, a / of) : undefined;
  };
  const decisions: Decision[] = [];
  const people = new Set<string>();
  for (const e of byPerson.values()) {
    if (arm !== undefined && e.arm !== arm) continue;
    if (e.answers.get(ROLE_ITEM) !== role) continue;
    for (let round = 1; round <= rounds(g); round++) {
      const p = roundPrefix(g, round);
      const own = e.answers.get(p + key);
      if (own === undefined) continue;
      const others = e.answers.get(p + OTHERS_ITEM);
      let of = endowment;
      let partner: number | undefined;
      if (g.game === "trust" && role === "receiver" && typeof others === "number") {
        of = Math.floor(g.multiplier * others) + g.receiver_endowment;
        partner = others / endowment;
      } else if (g.game === "ultimatum" && role === "responder" && g.method === "direct") {
        partner = typeof others === "number" ? others / endowment : undefined;
      } else if (g.partner.type === "stated") {
        partner = seen(g, others, endowment);
      } else if (round > 1 && (g.game === "public_goods" || g.game === "prisoners_dilemma")) {
        partner = seen(g, e.answers.get(roundPrefix(g, round - 1) + OTHERS_ITEM), endowment);
      }
      const value = binary ? scale(own, 1) : scale(own, of);
      if (value === undefined) continue;
      people.add(e.person);
      decisions.push({ person: e.person, round, value, ...(partner !== undefined ? { partner } : {}) });
    }
  }
  return { decisions, arms, people: people.size };
}

/** The others' move as the partner scale: an action as 1/0, the other members' total as their mean share. */
function seen(g: GameParams, others: Answer | undefined, endowment: number): number | undefined {
  if (others === "cooperate") return 1;
  if (others === "defect") return 0;
  if (typeof others !== "number") return undefined;
  if (g.game === "public_goods") return others / ((g.group_size - 1) * endowment);
  return others / endowment;
}
