import { UserError } from "../../errors/index.ts";
import type { Rng } from "../../random/index.ts";
import type { GameName, GameParams } from "./params.ts";
import type { GameTurn } from "./prompts.ts";
import { type Move, maxAmount, type Role } from "./rules.ts";

/**
 * Fixed strategies a simulated person can play against. Each sees what a person in its seat
 * would see (the same GameTurn) and must follow the same rules; `value` is the strategy's number.
 */
export interface Strategy {
  game: GameName;
  roles: Role[];
  /** What `value` means, when the strategy needs one. */
  value?: { meaning: string; min: number; max?: number };
  describe: string;
  move(turn: GameTurn, value: number | undefined, rng: Rng): Move;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const endowmentOf = (g: GameParams) => ("endowment" in g ? g.endowment : 0);

/** The partner's action in the last round of a two-player repeated game, or undefined in round 1. */
function lastOther(t: GameTurn): string | undefined {
  const h = t.history.at(-1);
  return h ? (h.moves[1 - t.seat] as { action: string }).action : undefined;
}

export const STRATEGIES: Record<string, Strategy> = {
  fair_split: {
    game: "ultimatum",
    roles: ["proposer"],
    describe: "offers half of the endowment (rounded down)",
    move: (t) => ({ offer: Math.floor(endowmentOf(t.game) / 2) }),
  },
  fixed_offer: {
    game: "ultimatum",
    roles: ["proposer"],
    value: { meaning: "the amount offered", min: 0 },
    describe: "offers `value`",
    move: (t, v) => ({ offer: clamp(Math.round(v ?? 0), 0, endowmentOf(t.game)) }),
  },
  accept_all: {
    game: "ultimatum",
    roles: ["responder"],
    describe: "accepts any offer",
    move: (t) =>
      t.game.game === "ultimatum" && t.game.method === "direct" ? { accept: true } : { min_accept: 0 },
  },
  accept_at_least: {
    game: "ultimatum",
    roles: ["responder"],
    value: { meaning: "the smallest offer accepted", min: 0 },
    describe: "accepts offers of at least `value`",
    move: (t, v) => {
      const threshold = clamp(Math.round(v ?? 0), 0, endowmentOf(t.game));
      if (t.game.game === "ultimatum" && t.game.method === "direct") {
        const offer = t.earlier.get(0) as { offer: number };
        return { accept: offer.offer >= threshold };
      }
      return { min_accept: threshold };
    },
  },
  send_all: {
    game: "trust",
    roles: ["sender"],
    describe: "sends the whole endowment",
    move: (t) => ({ send: endowmentOf(t.game) }),
  },
  send_fixed: {
    game: "trust",
    roles: ["sender"],
    value: { meaning: "the amount sent", min: 0 },
    describe: "sends `value`",
    move: (t, v) => ({ send: clamp(Math.round(v ?? 0), 0, endowmentOf(t.game)) }),
  },
  return_fraction: {
    game: "trust",
    roles: ["receiver"],
    value: { meaning: "the fraction of what was received sent back", min: 0, max: 1 },
    describe: "sends back `value` of what it holds (rounded down)",
    move: (t, v) => ({ send_back: Math.floor((v ?? 0) * maxAmount(t.game, "receiver", t.earlier)) }),
  },
  contribute_fixed: {
    game: "public_goods",
    roles: ["player"],
    value: { meaning: "the amount put in every round", min: 0 },
    describe: "puts in `value` every round",
    move: (t, v) => ({ contribute: clamp(Math.round(v ?? 0), 0, endowmentOf(t.game)) }),
  },
  conditional_cooperator: {
    game: "public_goods",
    roles: ["player"],
    value: { meaning: "the amount put in in the first round", min: 0 },
    describe: "puts in `value` in round 1, then the others' mean of the last round (rounded)",
    move: (t, v) => {
      const h = t.history.at(-1);
      if (!h) return { contribute: clamp(Math.round(v ?? 0), 0, endowmentOf(t.game)) };
      const others = h.moves
        .filter((_, s) => s !== t.seat)
        .map((m) => (m as { contribute: number }).contribute);
      return { contribute: Math.round(others.reduce((a, b) => a + b, 0) / others.length) };
    },
  },
  always_cooperate: {
    game: "prisoners_dilemma",
    roles: ["player"],
    describe: "always cooperates",
    move: () => ({ action: "cooperate" }),
  },
  always_defect: {
    game: "prisoners_dilemma",
    roles: ["player"],
    describe: "always defects",
    move: () => ({ action: "defect" }),
  },
  tit_for_tat: {
    game: "prisoners_dilemma",
    roles: ["player"],
    describe: "cooperates first, then does what the partner did in the last round",
    move: (t) => ({ action: lastOther(t) === "defect" ? "defect" : "cooperate" }),
  },
  grim_trigger: {
    game: "prisoners_dilemma",
    roles: ["player"],
    describe: "cooperates until the partner defects once, then always defects",
    move: (t) =>
      ({
        action: t.history.some((h) => (h.moves[1 - t.seat] as { action: string }).action === "defect")
          ? "defect"
          : "cooperate",
      }) as Move,
  },
  random: {
    game: "prisoners_dilemma",
    roles: ["player"],
    value: { meaning: "the probability of cooperating", min: 0, max: 1 },
    describe: "cooperates with probability `value` (drawn from the seed)",
    move: (_t, v, rng) => ({ action: rng.next() < (v ?? 0.5) ? "cooperate" : "defect" }),
  },
};

/** What is wrong with a partner strategy for this game and role, at its field, or null. */
export function strategyProblem(
  game: GameName,
  role: Role,
  name: string,
  value: number | undefined,
): { field: "strategy" | "value"; message: string } | null {
  const s = STRATEGIES[name];
  if (!s || s.game !== game || !s.roles.includes(role)) {
    const fits = Object.entries(STRATEGIES)
      .filter(([, x]) => x.game === game && x.roles.includes(role))
      .map(([n]) => n);
    return {
      field: "strategy",
      message: `"${name}" is not a strategy of the ${game} ${role} (choose from ${fits.join(", ") || "none"})`,
    };
  }
  if (!s.value) return null;
  if (value === undefined) return { field: "value", message: `required by ${name} (${s.value.meaning})` };
  if (value < s.value.min || (s.value.max !== undefined && value > s.value.max))
    return {
      field: "value",
      message: `${name} needs ${s.value.meaning} from ${s.value.min}${s.value.max !== undefined ? ` to ${s.value.max}` : " up"}, got ${value}`,
    };
  return null;
}

/** The strategy of a partner spec, checked against the game and the role it plays. */
export function strategyFor(game: GameName, role: Role, name: string, value: number | undefined): Strategy {
  const problem = strategyProblem(game, role, name, value);
  if (problem) throw new UserError(`partner.${problem.field}: ${problem.message}`);
  return STRATEGIES[name];
}
