import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  checkGameReply,
  type GameTurn,
  gameTurnRequest,
  parseGame,
  statedMoves,
} from "../instruments/games/index.ts";
import {
  createModel,
  type LanguageModel,
  parseAnswers,
  questionRequest,
  systemPrompt,
} from "../llm/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { checkConjointChoice, conjointTaskRequest, conjointTasks } from "./conjoint/index.ts";
import { demandDesign, purchaseOutcome, purchaseQuestion } from "./demand/index.ts";
import { BLINDING_MODES, designCalls } from "./modes/index.ts";

// The prompts and answer schemas of this instruments, sent over real HTTP to the mock
// LLM server (a test double: its answers follow the JSON schema it is given, nothing more), and
// its replies read back with each instrument's own check.
let mock: MockLlm;
let model: LanguageModel;
before(async () => {
  mock = await startMockLlm({ port: 0, seed: 3 });
  model = createModel(`${mock.url}/v1#mock`, { env: {} });
});
after(() => mock.close());

const people = Array.from({ length: 6 }, (_, i) => `I am person ${i}, ${25 + 7 * i} years old.`);
const ask = (profile: string, user: string, schema: { name: string; schema: Record<string, unknown> }) =>
  model.complete({
    messages: [
      { role: "system", content: systemPrompt(profile) },
      { role: "user", content: user },
    ],
    schema,
  });

test("every design mode's call, with the probe, is answered within its schema and parses", async () => {
  const water = { product: "a 12-pack of sparkling water", reference_price: 6, grid: [0.5, 1, 1.5] };
  const probe = [
    { name: "competitor_price", question: "What does it cost elsewhere, in dollars?", min: 0, max: 20 },
  ];
  const seen = new Map<string, Set<string>>();
  for (const mode of BLINDING_MODES) {
    for (const profile of people) {
      for (const call of designCalls(mode, demandDesign(water), [purchaseQuestion(water)], {
        probe,
        outcome: purchaseOutcome(water),
      })) {
        const req = questionRequest(call.questions, "generate", call.context);
        const res = await ask(profile, req.user, req.schema!);
        const parsed = parseAnswers(call.questions, "generate", res);
        assert.deepEqual(parsed.problems, [], `${mode}: ${res.text}`);
        assert.deepEqual(Object.keys(parsed.answers).sort(), call.questions.map((q) => q.id).sort());
        for (const [id, a] of Object.entries(parsed.answers)) {
          if (!seen.has(`${mode} ${id}`)) seen.set(`${mode} ${id}`, new Set());
          seen.get(`${mode} ${id}`)!.add(String(a.answer));
          if (id.endsWith("probe.competitor_price"))
            assert.ok(Number(a.answer) >= 0 && Number(a.answer) <= 20);
          if (id.endsWith("/share")) assert.ok(Number(a.answer) >= 0 && Number(a.answer) <= 100);
        }
      }
    }
  }
  // Blind and unblinded ask probe + buy in each arm's call; within asks them for all 3 arms at
  // once; aggregate asks a share per arm.
  assert.equal(seen.size, 2 + 2 + 3 * 2 + 3);
  assert.ok(
    [...seen.values()].some((answers) => answers.size > 1),
    "answers vary across people",
  );
});

test("conjoint tasks and every game move are answered within their schemas and pass their checks", async () => {
  const design = {
    attributes: [
      { name: "Education", levels: ["high school", "college degree"] },
      { name: "Job", levels: ["nurse", "janitor"] },
    ],
    tasks: 3,
    repeat_task: 1,
  };
  const wording = {
    question: "Which of these two immigrants should be admitted?",
    profile_noun: "immigrant",
  };
  const choices = new Set<number>();
  for (const [i, profile] of people.entries()) {
    const person = conjointTasks(design, `p${i}`, 1);
    for (const t of person.tasks) {
      const req = conjointTaskRequest(person, t, wording);
      const r = checkConjointChoice((await ask(profile, req.user, req.schema)).text, wording);
      assert.ok("choice" in r, JSON.stringify(r));
      choices.add(r.choice);
    }
  }
  assert.deepEqual([...choices].sort(), [1, 2]);
  const turns: GameTurn[] = [
    { game: parseGame({ game: "dictator" }), seat: 0, round: 1, history: [], earlier: new Map() },
    { game: parseGame({ game: "ultimatum" }), seat: 1, round: 1, history: [], earlier: new Map() },
  ];
  const direct = parseGame({
    game: "ultimatum",
    method: "direct",
    role: "responder",
    partner: { type: "stated", move: 30 },
  });
  turns.push({ game: direct, seat: 1, round: 1, history: [], earlier: statedMoves(direct) });
  const trust = parseGame({ game: "trust", role: "receiver", partner: { type: "stated", move: 3 } });
  turns.push({ game: trust, seat: 1, round: 1, history: [], earlier: statedMoves(trust) });
  turns.push({
    game: parseGame({ game: "public_goods" }),
    seat: 2,
    round: 1,
    history: [],
    earlier: new Map(),
  });
  turns.push({
    game: parseGame({ game: "prisoners_dilemma" }),
    seat: 0,
    round: 1,
    history: [],
    earlier: new Map(),
  });
  for (const t of turns) {
    for (const profile of people) {
      const req = gameTurnRequest(t);
      const r = checkGameReply(t, (await ask(profile, req.user, req.schema)).text);
      assert.ok("move" in r, `${t.game.game}: ${JSON.stringify(r)}`);
    }
  }
});
