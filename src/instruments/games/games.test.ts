import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../errors/index.ts";
import { createRng } from "../../random/index.ts";
import {
  checkGameReply,
  checkMove,
  formGroups,
  type GameParams,
  type GameTurn,
  gameTurnRequest,
  type Move,
  type Player,
  parseGame,
  personSeat,
  playGame,
  resolveRound,
  STRATEGIES,
  statedMoves,
  steps,
  strategySeats,
} from "./index.ts";

const rng = createRng("games-test");
const turn = (game: GameParams, seat: number, earlier: [number, Move][] = [], round = 1): GameTurn => ({
  game,
  seat,
  round,
  history: [],
  earlier: new Map(earlier),
});
/** A player answering through the same JSON check a model reply goes through. */
const replying =
  (reply: (t: GameTurn) => string): Player =>
  (t) => {
    const r = checkGameReply(t, reply(t));
    if ("problems" in r) throw new Error(r.problems[0].reason);
    return r.move;
  };

test("dictator: the dictator keeps what is not given, the recipient gets the gift, nothing else", () => {
  const g = parseGame({ game: "dictator", endowment: 100 });
  for (let i = 0; i < 200; i++) {
    const give = rng.int(101);
    const r = resolveRound(g, 1, [{ give }]);
    assert.deepEqual(r.payoffs, [100 - give, give]);
  }
  assert.deepEqual(steps(g), [[0]], "only the dictator moves");
  const played = playGame(g, [replying(() => '{"give": 30}'), null]);
  assert.deepEqual(played.totals, [70, 30]);
  const t = turn(g, 0);
  assert.deepEqual(checkMove(t, { give: 101 }), {
    problems: [{ reason: "give: 101 is more than the 100 points you can choose from" }],
  });
  assert.deepEqual(checkMove(t, { give: 2.5 }), {
    problems: [{ reason: "give: 2.5 is not a whole number of points" }],
  });
  assert.match(
    (checkMove(t, { give: -1 }) as { problems: { reason: string }[] }).problems[0].reason,
    /negative/,
  );
  const req = gameTurnRequest(t);
  assert.match(req.user, /You have been given 100 points/);
  assert.deepEqual(req.schema.schema.properties, { give: { type: "integer", minimum: 0, maximum: 100 } });
});

test("ultimatum: an accepted offer splits the endowment, a rejected one pays nobody (strategy and direct methods)", () => {
  const g = parseGame({ game: "ultimatum", endowment: 100 });
  assert.deepEqual(steps(g), [[0, 1]], "strategy method: the responder does not see the offer");
  for (let i = 0; i < 300; i++) {
    const offer = rng.int(101);
    const min = rng.int(101);
    const r = resolveRound(g, 1, [{ offer }, { min_accept: min }]);
    assert.equal(r.accepted, offer >= min);
    assert.deepEqual(r.payoffs, offer >= min ? [100 - offer, offer] : [0, 0]);
  }
  assert.doesNotMatch(gameTurnRequest(turn(g, 1)).user, /offers you/);
  assert.match(gameTurnRequest(turn(g, 1)).user, /smallest offer, in points, that you will accept/);
  const direct = parseGame({
    game: "ultimatum",
    method: "direct",
    role: "responder",
    partner: { type: "stated", move: 20 },
  });
  assert.deepEqual(steps(direct), [[0], [1]]);
  assert.equal(personSeat(direct), 1);
  const seen = gameTurnRequest(turn(direct, 1, [...statedMoves(direct)]));
  assert.match(seen.user, /The proposer offers you 20 of the 100 points and would keep 80\./);
  const played = playGame(direct, [null, replying(() => '{"accept": false}')], statedMoves(direct));
  assert.deepEqual(played.totals, [0, 0]);
  const fair = parseGame({
    game: "ultimatum",
    role: "responder",
    method: "direct",
    partner: { type: "strategy", strategy: "fair_split" },
  });
  const seats = strategySeats(
    fair,
    replying((t) => `{"accept": ${(t.earlier.get(0) as { offer: number }).offer >= 40}}`),
    1,
  );
  assert.deepEqual(playGame(fair, seats).totals, [50, 50]);
});

test("trust: what is sent is multiplied, the receiver returns at most what it holds, and the total grows by (m − 1)·sent", () => {
  const g = parseGame({ game: "trust", endowment: 10, multiplier: 3, receiver_endowment: 2 });
  for (let i = 0; i < 300; i++) {
    const send = rng.int(11);
    const held = 3 * send + 2;
    const back = rng.int(held + 1);
    const r = resolveRound(g, 1, [{ send }, { send_back: back }]);
    assert.deepEqual(r.payoffs, [10 - send + back, held - back]);
    assert.equal(r.payoffs[0] + r.payoffs[1], 10 + 2 + 2 * send);
  }
  const t = turn(g, 1, [[0, { send: 4 }]]);
  assert.match(
    gameTurnRequest(t).user,
    /sent you 4 of their 10 points, which became 12 points on the way, so you have 14 points/,
  );
  assert.deepEqual(checkMove(t, { send_back: 15 }), {
    problems: [{ reason: "send_back: 15 is more than the 14 points you can choose from" }],
  });
  const vsReturner = parseGame({
    game: "trust",
    role: "sender",
    partner: { type: "strategy", strategy: "return_fraction", value: 0.5 },
  });
  const played = playGame(
    vsReturner,
    strategySeats(
      vsReturner,
      replying(() => '{"send": 10}'),
      1,
    ),
  );
  assert.deepEqual(played.totals, [15, 15], "sent 10 → 30, half returned");
});

test("public goods: each earns what they keep plus mpcr × the pot; free riding pays the individual, not the group", () => {
  const g = parseGame({ game: "public_goods", endowment: 20, group_size: 4, mpcr: 0.4, rounds: 3 });
  for (let i = 0; i < 300; i++) {
    const c = Array.from({ length: 4 }, () => rng.int(21));
    const pot = c.reduce((a, b) => a + b, 0);
    const r = resolveRound(
      g,
      1,
      c.map((x) => ({ contribute: x })),
    );
    for (const [k, p] of r.payoffs.entries()) assert.ok(Math.abs(p - (20 - c[k] + 0.4 * pot)) < 1e-9);
    const total = r.payoffs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - (80 + (4 * 0.4 - 1) * pot)) < 1e-9);
  }
  const mixed = resolveRound(
    g,
    1,
    [0, 20, 20, 20].map((x) => ({ contribute: x })),
  );
  assert.ok(mixed.payoffs[0] > mixed.payoffs[1], "the free rider earns more than a contributor");
  const all = resolveRound(
    g,
    1,
    [20, 20, 20, 20].map((x) => ({ contribute: x })),
  );
  const none = resolveRound(
    g,
    1,
    [0, 0, 0, 0].map((x) => ({ contribute: x })),
  );
  assert.ok(all.payoffs[0] > none.payoffs[0], "everyone contributing beats nobody contributing");
  // Against conditional cooperators who start at 10, a full contributor lifts them round by round.
  const vs = parseGame({
    ...g,
    partner: { type: "strategy", strategy: "conditional_cooperator", value: 10 },
  });
  const played = playGame(
    vs,
    strategySeats(
      vs,
      replying(() => '{"contribute": 20}'),
      1,
    ),
  );
  assert.deepEqual(
    played.rounds.map((r) => r.moves.map((m) => (m as { contribute: number }).contribute)),
    [
      [20, 10, 10, 10],
      [20, 13, 13, 13],
      [20, 15, 15, 15],
    ],
  );
  const t: GameTurn = { game: vs, seat: 0, round: 2, history: played.rounds.slice(0, 1), earlier: new Map() };
  assert.match(gameTurnRequest(t).user, /This is round 2 of 3/);
  assert.match(
    gameTurnRequest(t).user,
    /Round 1: you put in 20, the other members put in 30 in total; you earned 20 points\./,
  );
  const stated = parseGame({ ...g, rounds: 1, partner: { type: "stated", move: 31 } });
  assert.match(
    gameTurnRequest(turn(stated, 0, [...statedMoves(stated)])).user,
    /other 3 members have put in 31 points in total/,
  );
  assert.throws(
    () => parseGame({ game: "public_goods", mpcr: 1.2 }),
    /game\.mpcr: a social dilemma needs 1\/group_size < mpcr < 1/,
  );
});

test("prisoner's dilemma: the matrix pays per round, and repeated play sums it (tit-for-tat vs. a defector)", () => {
  const g = parseGame({ game: "prisoners_dilemma", rounds: 4 });
  const pay = (a: string, b: string) => resolveRound(g, 1, [{ action: a }, { action: b }] as Move[]).payoffs;
  assert.deepEqual(pay("cooperate", "cooperate"), [3, 3]);
  assert.deepEqual(pay("cooperate", "defect"), [0, 5]);
  assert.deepEqual(pay("defect", "cooperate"), [5, 0]);
  assert.deepEqual(pay("defect", "defect"), [1, 1]);
  const vsTft = parseGame({ ...g, partner: { type: "strategy", strategy: "tit_for_tat" } });
  const played = playGame(
    vsTft,
    strategySeats(
      vsTft,
      replying(() => '{"action": "Defect"}'),
      1,
    ),
  );
  assert.deepEqual(played.totals, [5 + 1 + 1 + 1, 0 + 1 + 1 + 1]);
  assert.deepEqual(
    played.rounds.map((r) => (r.moves[1] as { action: string }).action),
    ["cooperate", "defect", "defect", "defect"],
  );
  const t: GameTurn = {
    game: vsTft,
    seat: 0,
    round: 3,
    history: played.rounds.slice(0, 2),
    earlier: new Map(),
  };
  const text = gameTurnRequest(t).user;
  assert.match(text, /This is round 3 of 4/);
  assert.match(
    text,
    /Round 1: you chose to defect, the other participant chose to cooperate; you earned 5 points\./,
  );
  const stated = parseGame({ game: "prisoners_dilemma", partner: { type: "stated", move: "cooperate" } });
  assert.match(
    gameTurnRequest(turn(stated, 0, [...statedMoves(stated)])).user,
    /has already chosen to cooperate/,
  );
  assert.deepEqual(checkGameReply(turn(g, 0), '{"action": "maybe"}'), {
    problems: [{ reason: 'action: "maybe" is not "cooperate" or "defect"' }],
  });
  assert.throws(
    () =>
      parseGame({
        game: "prisoners_dilemma",
        payoffs: { temptation: 2, reward: 3, punishment: 1, sucker: 0 },
      }),
    /temptation > reward > punishment > sucker, got 2, 3, 1, 0/,
  );
});

test("partners and roles are checked: strategies fit their game and role, stated moves their bounds", () => {
  assert.throws(
    () => parseGame({ game: "trust", partner: { type: "strategy", strategy: "send_all" } }),
    /game\.role: required/,
  );
  assert.throws(() => parseGame({ game: "trust", role: "sender" }), /paired people play both roles/);
  assert.throws(
    () =>
      parseGame({ game: "trust", role: "sender", partner: { type: "strategy", strategy: "tit_for_tat" } }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message ===
        'game.partner.strategy: "tit_for_tat" is not a strategy of the trust receiver (choose from return_fraction)',
  );
  assert.throws(
    () =>
      parseGame({
        game: "trust",
        role: "sender",
        partner: { type: "strategy", strategy: "return_fraction" },
      }),
    /game\.partner\.value: required by return_fraction/,
  );
  assert.throws(
    () =>
      parseGame({ game: "prisoners_dilemma", partner: { type: "strategy", strategy: "random", value: 2 } }),
    /game\.partner\.value: random needs the probability of cooperating from 0 to 1, got 2/,
  );
  assert.throws(
    () => parseGame({ game: "dictator", partner: { type: "strategy", strategy: "fair_split" } }),
    /recipient makes no move/,
  );
  // A spec that skipped the schema is still refused where the strategy is built.
  const unchecked: GameParams = {
    ...parseGame({
      game: "trust",
      role: "sender",
      partner: { type: "strategy", strategy: "return_fraction", value: 0.5 },
    }),
    partner: { type: "strategy", strategy: "send_all" },
  };
  assert.throws(
    () => strategySeats(unchecked, () => ({ send: 1 }), 1),
    /"send_all" is not a strategy of the trust receiver/,
  );
  assert.throws(
    () => parseGame({ game: "ultimatum", role: "responder", partner: { type: "stated", move: 20 } }),
    /game\.method: a stated offer needs method: direct/,
  );
  assert.throws(
    () => parseGame({ game: "trust", role: "receiver", partner: { type: "stated", move: 11 } }),
    /cannot exceed the endowment \(10\)/,
  );
  for (const [name, s] of Object.entries(STRATEGIES)) assert.ok(s.describe.length > 0, name);
});

test("groups are formed from the seed; the leftover people are returned, not dropped", () => {
  const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
  const a = formGroups(ids, 4, 7);
  assert.deepEqual(formGroups(ids, 4, 7), a);
  assert.notDeepEqual(formGroups(ids, 4, 8), a);
  assert.equal(a.groups.length, 2);
  assert.equal(a.unmatched.length, 2);
  assert.deepEqual([...a.groups.flat(), ...a.unmatched].sort(), [...ids].sort());
  assert.throws(() => formGroups(["a", "a"], 2, 1), /distinct/);
});
