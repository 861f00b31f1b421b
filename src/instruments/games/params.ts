import { z } from "zod";
import { UserError } from "../../errors/index.ts";
import { strategyProblem } from "./strategies.ts";

/**
 * Parameters of the five economic games (Park et al. 2024; DESIGN §4), as the spec block
 * `instrument: { game: …, … }` will hold them. Amounts are whole numbers of `currency`.
 *
 * Who the simulated person plays with (`partner`):
 * - `person`: another simulated person of the population (pairs and groups formed with the seed);
 * - `strategy`: a fixed strategy (see STRATEGIES), e.g. tit_for_tat, fair_split;
 * - `stated`: nobody; the partner's move is stated in the prompt (e.g. "the sender sent you 5").
 * With a strategy or a stated move, `role` says which role the simulated person plays.
 */

const amount = z.int().nonnegative();
const endowment = (d: number) => z.int().positive().default(d).describe("What each player starts with");
const currency = z
  .string()
  .min(1)
  .default("points")
  .describe('The unit of the amounts, e.g. "points" or "dollars"');

const partner = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("person") }),
  z.strictObject({
    type: z.literal("strategy"),
    strategy: z.string().min(1).describe("A fixed strategy of this game and role (see README: games)"),
    value: z
      .number()
      .optional()
      .describe("The strategy's number: an amount, a threshold, a fraction or a probability"),
  }),
  z.strictObject({
    type: z.literal("stated"),
    move: z
      .union([amount, z.enum(["cooperate", "defect"])])
      .describe("The partner's move, stated in the prompt"),
  }),
]);

const common = {
  currency,
  partner: partner.default({ type: "person" }),
};

export const dictatorSchema = z.strictObject({
  game: z.literal("dictator"),
  endowment: endowment(100),
  ...common,
});

export const ultimatumSchema = z.strictObject({
  game: z.literal("ultimatum"),
  endowment: endowment(100),
  method: z
    .enum(["strategy", "direct"])
    .default("strategy")
    .describe(
      "strategy: the responder states the smallest offer accepted before seeing it (as MobLab); direct: accepts or rejects the offer",
    ),
  role: z.enum(["proposer", "responder"]).optional(),
  ...common,
});

export const trustSchema = z.strictObject({
  game: z.literal("trust"),
  endowment: endowment(10),
  multiplier: z
    .number()
    .positive()
    .default(3)
    .describe("What each unit sent becomes when it reaches the receiver"),
  receiver_endowment: amount.default(0),
  role: z.enum(["sender", "receiver"]).optional(),
  ...common,
});

export const publicGoodsSchema = z.strictObject({
  game: z.literal("public_goods"),
  endowment: endowment(20),
  group_size: z.int().min(2).default(4),
  mpcr: z
    .number()
    .positive()
    .default(0.4)
    .describe("Marginal per-capita return: what each unit contributed returns to every member"),
  rounds: z.int().positive().default(1),
  ...common,
});

export const prisonersDilemmaSchema = z.strictObject({
  game: z.literal("prisoners_dilemma"),
  payoffs: z
    .strictObject({
      temptation: z.number().default(5).describe("You defect, they cooperate"),
      reward: z.number().default(3).describe("Both cooperate"),
      punishment: z.number().default(1).describe("Both defect"),
      sucker: z.number().default(0).describe("You cooperate, they defect"),
    })
    .default({ temptation: 5, reward: 3, punishment: 1, sucker: 0 }),
  rounds: z.int().positive().default(1),
  horizon_known: z.boolean().default(true).describe("Players are told how many rounds there are"),
  currency,
  partner: partner.default({ type: "person" }),
});

export const gameSchema = z
  .discriminatedUnion("game", [
    dictatorSchema,
    ultimatumSchema,
    trustSchema,
    publicGoodsSchema,
    prisonersDilemmaSchema,
  ])
  .superRefine((g, ctx) => {
    const at = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (g.game === "prisoners_dilemma") {
      const { temptation: t, reward: r, punishment: p, sucker: s } = g.payoffs;
      if (!(t > r && r > p && p > s))
        at(
          ["payoffs"],
          `a prisoner's dilemma needs temptation > reward > punishment > sucker, got ${t}, ${r}, ${p}, ${s}`,
        );
      if (!(2 * r > t + s))
        at(["payoffs"], `mutual cooperation must pay more than taking turns: 2·reward > temptation + sucker`);
    }
    if (g.game === "public_goods" && !(g.mpcr < 1 && g.mpcr * g.group_size > 1)) {
      at(
        ["mpcr"],
        `a social dilemma needs 1/group_size < mpcr < 1 (here 1/${g.group_size} = ${(1 / g.group_size).toFixed(3)})`,
      );
    }
    const asymmetric = g.game === "ultimatum" || g.game === "trust";
    if (asymmetric && g.partner.type !== "person" && g.role === undefined)
      at(["role"], `required: which role the simulated person plays against a ${g.partner.type} partner`);
    if (asymmetric && g.partner.type === "person" && g.role !== undefined)
      at(["role"], "paired people play both roles (assigned with the seed): leave role out");
    if (g.partner.type === "stated") checkStated(g, at);
    if (g.partner.type === "strategy") {
      if (g.game === "dictator")
        at(["partner"], "the dictator's recipient makes no move: a strategy has nothing to play");
      else if (!asymmetric || g.role !== undefined) {
        // The partner plays the role the simulated person does not.
        const role =
          g.game === "ultimatum"
            ? g.role === "proposer"
              ? "responder"
              : "proposer"
            : g.game === "trust"
              ? g.role === "sender"
                ? "receiver"
                : "sender"
              : "player";
        const problem = strategyProblem(g.game, role, g.partner.strategy, g.partner.value);
        if (problem) at(["partner", problem.field], problem.message);
      }
    }
  });

type At = (path: (string | number)[], message: string) => void;

/** A stated move must be the kind of move the partner makes in this game, within its bounds. */
function checkStated(g: GameParams, at: At): void {
  if (g.partner.type !== "stated") return;
  const move = g.partner.move;
  const path = ["partner", "move"];
  if (g.game === "prisoners_dilemma") {
    if (typeof move !== "string") at(path, 'state the partner\'s action: "cooperate" or "defect"');
    return;
  }
  if (typeof move !== "number") {
    at(path, "state the partner's move as an amount");
    return;
  }
  if (g.game === "dictator")
    at(["partner"], "the dictator's recipient makes no move: use person, or no partner");
  if (g.game === "ultimatum") {
    if (g.role === "proposer")
      at(path, "a proposer moves first; state a move only for the responder (the offer)");
    else if (g.method === "strategy")
      at(
        ["method"],
        "a stated offer needs method: direct (with the strategy method the responder does not see it)",
      );
    if (move > g.endowment) at(path, `the offer cannot exceed the endowment (${g.endowment})`);
  }
  if (g.game === "trust") {
    if (g.role === "sender")
      at(path, "a sender moves first; state a move only for the receiver (the amount sent)");
    if (move > g.endowment) at(path, `the amount sent cannot exceed the endowment (${g.endowment})`);
  }
  if (g.game === "public_goods" && move > g.endowment * (g.group_size - 1))
    at(path, `the others' total contribution cannot exceed ${g.endowment * (g.group_size - 1)}`);
}

export type GameParams = z.infer<typeof gameSchema>;
export type GameName = GameParams["game"];
export type DictatorParams = z.infer<typeof dictatorSchema>;
export type UltimatumParams = z.infer<typeof ultimatumSchema>;
export type TrustParams = z.infer<typeof trustSchema>;
export type PublicGoodsParams = z.infer<typeof publicGoodsSchema>;
export type PrisonersDilemmaParams = z.infer<typeof prisonersDilemmaSchema>;

/** Parameters with defaults filled in, or a UserError listing each problem at its field path. */
export function parseGame(input: unknown, where = "game"): GameParams {
  const r = gameSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${[where, ...i.path.map(String)].join(".")}: ${i.message}`);
  throw new UserError(lines.length === 1 ? lines[0] : `${lines.length} problems\n  ${lines.join("\n  ")}`);
}
