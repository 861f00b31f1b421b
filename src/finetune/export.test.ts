import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { profileText } from "../agents/index.ts";
import { loadAnswers } from "../analysis/fidelity/index.ts";
import { register } from "../cli/commands/finetune-export.ts";
import { runInProcess } from "../cli/in-process.ts";
import { parseJsonl, resolveDataDir, toJsonl } from "../data/index.ts";
import { DEFAULT_GSS_ITEMS, gssItems } from "../instruments/index.ts";
import { systemPrompt } from "../llm/elicitation/index.ts";
import type { Session } from "../webactions/index.ts";
import { respondentAgent } from "./index.ts";
import { writeGssAnswers } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-finetune-export-"));
const read = (path: string) =>
  parseJsonl(readFileSync(path, "utf8"), path).map(
    (r) => r.value as { messages: { role: string; content: string; weight?: number }[] },
  );

/** Sessions written here: 10 users, 2 sessions each of 3–4 steps; every page names its user. */
function sessions(): Session[] {
  const out: Session[] = [];
  for (let u = 0; u < 10; u++) {
    for (let k = 0; k < 2; k++) {
      const n = 3 + ((u + k) % 2);
      out.push({
        session: `u${u}-s${k}`,
        user: `u${u}`,
        purchase_targets: ["shirt.add_to_cart"],
        steps: Array.from({ length: n }, (_, i) => ({
          context: `<main><p>page ${i} of user u${u} session ${k}</p><form name="search"><input name="search.query"></form><a name="shirt.add_to_cart">Add to cart</a></main>`,
          action:
            i === 0
              ? { type: "type_and_submit" as const, target: "search.query", text: `shirts for u${u}` }
              : i === n - 1
                ? { type: "terminate" as const }
                : { type: "click" as const, target: "shirt.add_to_cart" },
          ...(i % 2 === 0 ? { reasoning: `Reason ${i} of u${u}/${k}: I want a shirt.` } : {}),
        })),
      });
    }
  }
  return out;
}

test("the web export never places a test user's step in the training file, and writes the split beside it", async () => {
  const all = sessions();
  const sessionsFile = join(dir, "sessions.jsonl");
  writeFileSync(sessionsFile, toJsonl(all));
  const out = join(dir, "web.jsonl");
  const res = await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--sessions",
      sessionsFile,
      "--out",
      out,
      "--test-share",
      "0.3",
      "--seed",
      "7",
      "--json",
    ],
  );
  assert.equal(res.error, undefined);
  const split = JSON.parse(readFileSync(join(dir, "web.split.json"), "utf8"));
  assert.deepEqual(JSON.parse(res.stdout), split);
  assert.equal(split.by, "user");
  assert.equal(split.test.length, 3);
  assert.equal(split.train.length, 7);
  assert.deepEqual(
    [...split.train, ...split.test].sort(),
    all
      .map((s) => s.user)
      .filter((u, i, a) => a.indexOf(u) === i)
      .sort(),
  );
  const examples = read(out);
  const text = examples.map((e) => JSON.stringify(e)).join("\n");
  for (const u of split.test)
    assert.ok(!text.includes(`user ${u} `) && !text.includes(`for ${u}"`), `test user ${u} leaked`);
  // Every step of every training user, once each: the final (trained) turn is that step's action.
  const trainSteps = all.filter((s) => split.train.includes(s.user)).reduce((n, s) => n + s.steps.length, 0);
  assert.equal(examples.length, trainSteps);
  assert.equal(split.examples.train, trainSteps);
  for (const e of examples) {
    const assistants = e.messages.filter((m) => m.role === "assistant");
    assert.equal(assistants.at(-1)!.weight, 1);
    assert.ok(
      assistants.slice(0, -1).every((m) => m.weight === 0),
      "earlier assistant turns are context (weight 0)",
    );
    assert.equal(e.messages.at(-1)!.role, "assistant");
    assert.equal(e.messages[0].role, "system");
  }
  // The test users' sessions are written as they were, for evaluation.
  const testSessions = parseJsonl(readFileSync(split.files.test_sessions, "utf8")).map((r) => r.value);
  assert.deepEqual(
    testSessions,
    all.filter((s) => split.test.includes(s.user)),
  );
  // The same seed gives the same split; another seed another.
  const again = await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--sessions",
      sessionsFile,
      "--out",
      join(dir, "again.jsonl"),
      "--test-share",
      "0.3",
      "--seed",
      "7",
      "--json",
    ],
  );
  assert.deepEqual(JSON.parse(again.stdout).test, split.test);
  const other = await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--sessions",
      sessionsFile,
      "--out",
      join(dir, "other.jsonl"),
      "--test-share",
      "0.3",
      "--seed",
      "8",
      "--json",
    ],
  );
  assert.notDeepEqual(JSON.parse(other.stdout).test, split.test);
});

test("--no-reasoning drops exactly the reasoning", async () => {
  const all = sessions();
  const sessionsFile = join(dir, "sessions2.jsonl");
  writeFileSync(sessionsFile, toJsonl(all));
  const withOut = join(dir, "with.jsonl");
  const withoutOut = join(dir, "without.jsonl");
  await runInProcess(
    [register],
    ["finetune", "export", "--sessions", sessionsFile, "--out", withOut, "--test-share", "0"],
  );
  await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--sessions",
      sessionsFile,
      "--out",
      withoutOut,
      "--test-share",
      "0",
      "--no-reasoning",
    ],
  );
  const a = read(withOut);
  const b = read(withoutOut);
  assert.equal(a.length, b.length);
  const rationales = all.flatMap((s) => s.steps.map((st) => st.reasoning).filter(Boolean)) as string[];
  assert.ok(rationales.length > 0);
  let withReason = 0;
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i].messages.length, b[i].messages.length);
    for (let j = 0; j < a[i].messages.length; j++) {
      const x = a[i].messages[j];
      const y = b[i].messages[j];
      assert.equal(x.role, y.role);
      assert.equal(x.weight, y.weight);
      if (x.role === "assistant") {
        const { reasoning, ...rest } = JSON.parse(x.content);
        if (reasoning !== undefined) withReason++;
        assert.deepEqual(JSON.parse(y.content), rest, "the same action, without the reasoning");
      } else if (x.role === "user") {
        assert.equal(x.content, y.content, "pages are the same");
      } else {
        assert.match(x.content, /reason/);
        assert.ok(!/reason/.test(y.content), "the system prompt no longer asks for a reason");
      }
    }
  }
  assert.ok(withReason > 0);
  const text = readFileSync(withoutOut, "utf8");
  for (const r of rationales) assert.ok(!text.includes(r), `rationale left: ${r}`);
  assert.ok(!text.includes('"reasoning"'));
});

test("the survey export turns real GSS panel answers into profile → answers examples, split by person", async () => {
  const dataDir = resolveDataDir();
  const items = DEFAULT_GSS_ITEMS.slice(0, 6);
  const questions = gssItems(dataDir, items);
  const human = join(dir, "gss-human.csv");
  writeGssAnswers(human, items, 150, ["age", "sex", "race", "degree", "polviews"]);
  const spec = join(dir, "gss-study.yaml");
  writeFileSync(
    spec,
    `name: ft-gss\nseed: 1\npopulation: { source: gss-panel, n: 10 }\ninstrument:\n  items_per_call: 3\n  items:\n${items.map((i) => `    - gss: ${i}`).join("\n")}\n`,
  );
  const out = join(dir, "survey.jsonl");
  const res = await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--human",
      human,
      "--spec",
      spec,
      "--out",
      out,
      "--test-share",
      "0.2",
      "--seed",
      "3",
      "--json",
    ],
  );
  assert.equal(res.error, undefined, res.error?.message);
  const split = JSON.parse(res.stdout);
  assert.equal(split.by, "person");
  const answers = loadAnswers(human, "categorical");
  assert.equal(split.train.length + split.test.length, answers.answers.size);
  assert.equal(split.test.length, Math.round(answers.answers.size * 0.2));
  const examples = read(out);
  const test = new Set<string>(split.test);
  // Each training example's system prompt is a training person's profile, as Populace renders agents.
  const prompts = new Map<string, string[]>();
  for (const p of answers.answers.keys()) {
    const sys = systemPrompt(profileText(respondentAgent(answers, p)));
    prompts.set(sys, [...(prompts.get(sys) ?? []), p]);
  }
  let expected = 0;
  for (const p of split.train) {
    const mine = answers.answers.get(p)!;
    expected += [0, 3].filter((k) => items.slice(k, k + 3).some((i) => mine.has(i))).length;
  }
  assert.equal(examples.length, expected);
  for (const e of examples) {
    const owners = prompts.get(e.messages[0].content);
    assert.ok(owners, "the system prompt is a respondent's profile");
    assert.ok(
      owners.some((p) => !test.has(p)),
      "it belongs to a training person",
    );
    const { answers: given } = JSON.parse(e.messages[2].content);
    // The answers are that person's real answers, in the codebook's option spelling.
    const person = owners.find((p) => !test.has(p))!;
    for (const [item, answer] of Object.entries(given)) {
      const q = questions.find((x) => x.id === item)!;
      assert.ok(q.options!.includes(answer as string));
      assert.ok(e.messages[1].content.includes(`[${item}]`));
      if (owners.length === 1)
        assert.equal(
          String(answer).toLowerCase(),
          String(answers.answers.get(person)!.get(item)).toLowerCase(),
        );
    }
    assert.match(e.messages[1].content, /^Answer each of the following questions\./);
  }
  // An answer that is not an option is an error naming the person and item.
  const bad = join(dir, "bad-human.csv");
  writeFileSync(bad, `person_id,item,answer,sex\np1,${items[0]},Perhaps,female\n`);
  const err = await runInProcess(
    [register],
    [
      "finetune",
      "export",
      "--human",
      bad,
      "--spec",
      spec,
      "--out",
      join(dir, "bad.jsonl"),
      "--test-share",
      "0",
    ],
  );
  assert.match(
    err.error?.message ?? "",
    new RegExp(`person "p1", item "${items[0]}": answer "Perhaps" is not one of the options`),
  );
});
