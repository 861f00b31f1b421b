import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../errors/index.ts";
import type { Question } from "../../instruments/types.ts";
import type { ModelResponse } from "../types.ts";
import { buildRequest, parseAnswers, repairRequest } from "./index.ts";

const cappun: Question = {
  id: "cappun",
  type: "multiple_choice",
  text: "Do you favor or oppose the death penalty for persons convicted of murder?",
  options: ["Favor", "Oppose"],
};
const age: Question = { id: "age", type: "numeric", text: "How old are you?", min: 18, max: 99 };
const happy: Question = {
  id: "happy",
  type: "linear_scale",
  text: "How happy are you (1-7)?",
  min: 1,
  max: 7,
};
const why: Question = { id: "why", type: "free_text", text: "Why?" };
const voted: Question = { id: "voted", type: "yes_no", text: "Did you vote?" };
const questions = [cappun, age, happy, why, voted];
const profile = "I am 52, a retired bus driver in Ohio.";

const reply = (text: string, extra: Partial<ModelResponse> = {}): ModelResponse => ({
  text,
  usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  ...extra,
});

test("generate: profile first, one call for all questions, a strict schema", () => {
  const req = buildRequest({ profile, questions, mode: "generate", context: "ARM B: taxes rise by 5%." });
  assert.equal(req.messages[0].role, "system");
  assert.ok(req.messages[0].content.startsWith(profile), "the profile opens the prompt (prompt caching)");
  assert.equal(req.messages.length, 2);
  const user = req.messages[1].content;
  assert.ok(user.startsWith("ARM B: taxes rise by 5%."));
  for (const q of questions) assert.ok(user.includes(`[${q.id}] ${q.text}`));
  assert.deepEqual(req.schema, {
    name: "answers",
    schema: {
      type: "object",
      properties: {
        answers: {
          type: "object",
          properties: {
            cappun: { type: "string", enum: ["Favor", "Oppose"] },
            age: { type: "number", minimum: 18, maximum: 99 },
            happy: { type: "integer", minimum: 1, maximum: 7 },
            why: { type: "string" },
            voted: { type: "string", enum: ["Yes", "No"] },
          },
          required: ["cappun", "age", "happy", "why", "voted"],
          additionalProperties: false,
        },
      },
      required: ["answers"],
      additionalProperties: false,
    },
  });
  assert.equal(req.topLogprobs, undefined);
  // the same question list reuses one schema object (consumers cache per schema)
  assert.equal(buildRequest({ profile: "someone else", questions, mode: "generate" }).schema, req.schema);
});

test("distribution: one closed question, lettered options, letter-only reply, top logprobs", () => {
  const req = buildRequest({ profile, questions: [cappun], mode: "distribution" });
  const user = req.messages[1].content;
  assert.match(user, /\nA\. Favor\nB\. Oppose\n/);
  assert.match(user, /Reply with the letter of your answer only\./);
  assert.equal(req.topLogprobs, 20);
  assert.ok(req.maxOutputTokens !== undefined && req.maxOutputTokens <= 5);
  assert.equal(req.schema, undefined);
});

test("bad elicitation input is a UserError naming the question", () => {
  const bad = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof UserError && re.test(e.message));
  bad(
    () => buildRequest({ profile, questions: [cappun, age], mode: "distribution" }),
    /exactly one closed question/,
  );
  bad(
    () => buildRequest({ profile, questions: [age], mode: "distribution" }),
    /question "age".*closed question/,
  );
  bad(
    () => buildRequest({ profile, questions: [{ id: "x", type: "likert", text: "?" }], mode: "generate" }),
    /question "x".*needs options/,
  );
  bad(
    () => buildRequest({ profile, questions: [cappun, cappun], mode: "generate" }),
    /question "cappun".*duplicate/,
  );
  bad(
    () => buildRequest({ profile, questions: [{ ...age, min: 5, max: 1 }], mode: "generate" }),
    /min \(5\) is greater/,
  );
  bad(() => buildRequest({ profile: " ", questions: [cappun], mode: "generate" }), /profile is empty/);
  bad(
    () => buildRequest({ profile, questions: [cappun], mode: "sample" as never }),
    /unknown elicitation mode/,
  );
});

test("generate parse: valid answers, canonical option casing, fenced JSON", () => {
  const text =
    '```json\n{"answers": {"cappun": "  favor ", "age": "52", "happy": 6, "why": "Justice.", "voted": "YES"}}\n```';
  const out = parseAnswers(questions, "generate", reply(text));
  assert.deepEqual(out.problems, []);
  assert.deepEqual(out.answers, {
    cappun: { answer: "Favor" },
    age: { answer: 52 },
    happy: { answer: 6 },
    why: { answer: "Justice." },
    voted: { answer: "Yes" },
  });
});

test("generate parse: each invalid item is a precise problem, valid items still parse", () => {
  const text = JSON.stringify({ answers: { cappun: "Maybe", age: 150, happy: 2.5, voted: "No" } });
  const out = parseAnswers(questions, "generate", reply(text));
  assert.deepEqual(out.problems, [
    { item: "cappun", reason: 'cappun: "Maybe" is not one of the options (Favor, Oppose)' },
    { item: "age", reason: "age: 150 is outside the allowed range (18 to 99)" },
    { item: "happy", reason: "happy: 2.5 is not a whole number" },
    { item: "why", reason: "why: no answer given" },
  ]);
  assert.deepEqual(out.answers, { voted: { answer: "No" } });
  const nan = parseAnswers([age], "generate", reply('{"answers": {"age": "old"}}'));
  assert.deepEqual(nan.problems, [{ item: "age", reason: 'age: "old" is not a number' }]);
});

test("generate parse: a closed question's check gives the same verdicts when replies repeat", () => {
  // Each option's result object is shared by every reply that picks it; the verdicts must not
  // depend on what was checked before.
  const scale: Question = {
    id: "scale",
    type: "multiple_choice",
    text: "Pick one",
    options: ["1", "2", "Agree"],
  };
  const answerOf = (value: unknown) => {
    const out = parseAnswers([scale], "generate", reply(JSON.stringify({ answers: { scale: value } })));
    return out.problems.length ? out.problems[0].reason : out.answers.scale.answer;
  };
  for (let round = 0; round < 2; round++) {
    assert.equal(answerOf("Agree"), "Agree");
    assert.equal(answerOf(" agree"), "Agree");
    assert.equal(answerOf(2), "2");
    assert.equal(answerOf("2"), "2");
    assert.equal(answerOf("Disagree"), 'scale: "Disagree" is not one of the options (1, 2, Agree)');
    assert.equal(answerOf(true), "scale: true is not one of the options (1, 2, Agree)");
  }
  for (let i = 0; i < 300; i++) assert.equal(answerOf(`${" ".repeat(i)}AGREE`), "Agree");
  assert.equal(answerOf("Agreed"), 'scale: "Agreed" is not one of the options (1, 2, Agree)');
});

test("generate parse: non-JSON and shapeless replies", () => {
  const notJson = parseAnswers(questions, "generate", reply("I favor it."));
  assert.equal(notJson.problems.length, 1);
  assert.match(notJson.problems[0].reason, /^the reply is not valid JSON: "I favor it\."/);
  assert.equal(notJson.problems[0].item, undefined);
  const noAnswers = parseAnswers(questions, "generate", reply('{"result": 1}'));
  assert.match(noAnswers.problems[0].reason, /no "answers" object/);
  // a bare {id: answer} object is tolerated
  const bare = parseAnswers([cappun], "generate", reply('{"cappun": "Oppose"}'));
  assert.deepEqual(bare.answers, { cappun: { answer: "Oppose" } });
});

test("distribution parse: renormalizes first-token logprobs over valid letters", () => {
  const lp = [
    { token: "B", logprob: Math.log(0.5) },
    { token: " a", logprob: Math.log(0.2) },
    { token: "A", logprob: Math.log(0.1) },
    { token: "The", logprob: Math.log(0.15) },
    { token: "C", logprob: Math.log(0.05) }, // not an offered letter
  ];
  const out = parseAnswers([cappun], "distribution", reply("B", { firstTokenLogprobs: lp }));
  assert.deepEqual(out.problems, []);
  const { answer, probabilities } = out.answers.cappun;
  assert.equal(answer, "Oppose");
  assert.ok(Math.abs(probabilities!.Favor - 0.3 / 0.8) < 1e-12);
  assert.ok(Math.abs(probabilities!.Oppose - 0.5 / 0.8) < 1e-12);
  assert.ok(Math.abs(probabilities!.Favor + probabilities!.Oppose - 1) < 1e-12);
});

test("distribution parse: without logprobs the letter in the text is used and the gap recorded", () => {
  const out = parseAnswers([cappun], "distribution", reply(" a.\n"));
  assert.deepEqual(out.answers, { cappun: { answer: "Favor" } });
  assert.match(out.notes[0], /probabilities unavailable/);
  const bad = parseAnswers([cappun], "distribution", reply("E"));
  assert.deepEqual(bad.problems, [{ item: "cappun", reason: 'cappun: "E" is not one of the letters A, B' }]);
  assert.deepEqual(bad.answers, {});
});

test("repair: appends the reply and a turn naming each problem and what is allowed", () => {
  const req = buildRequest({ profile, questions, mode: "generate" });
  const bad = reply(
    JSON.stringify({ answers: { cappun: "Maybe", age: 150, happy: 3, why: "x", voted: "Yes" } }),
  );
  const { problems } = parseAnswers(questions, "generate", bad);
  const fixed = repairRequest(req, bad, problems, questions);
  assert.equal(fixed.messages.length, 4);
  assert.deepEqual(fixed.messages.slice(0, 2), req.messages);
  assert.deepEqual(fixed.messages[2], { role: "assistant", content: bad.text });
  const turn = fixed.messages[3].content;
  assert.equal(fixed.messages[3].role, "user");
  assert.ok(turn.includes('cappun: "Maybe" is not one of the options (Favor, Oppose)'));
  assert.ok(turn.includes('cappun: exactly one of "Favor", "Oppose"'));
  assert.ok(turn.includes("age: a number from 18 to 99"));
  assert.ok(turn.includes("(cappun, age, happy, why, voted)"));
  assert.equal(fixed.schema, req.schema);
  assert.equal(req.messages.length, 2, "the original request is not modified");

  const dreq = buildRequest({ profile, questions: [cappun], mode: "distribution" });
  const dbad = reply("");
  const dfixed = repairRequest(dreq, dbad, parseAnswers([cappun], "distribution", dbad).problems, [cappun]);
  assert.equal(dfixed.messages[2].content, "(empty reply)");
  assert.match(dfixed.messages[3].content, /letter of your answer only \(one of A, B\)/);
  assert.equal(dfixed.topLogprobs, 20);
});
