import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { register as exporter } from "../cli/commands/finetune-export.ts";
import { register as reason } from "../cli/commands/webactions-reason.ts";
import { runInProcess } from "../cli/in-process.ts";
import { toJsonl } from "../data/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import {
  checkReason,
  nextActionMessages,
  readSessions,
  type Session,
  stepsToReason,
  withSynthesizedReasons,
} from "./index.ts";
import { shopSessions } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-webactions-reason-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function populace(args: string[]) {
  const out = await runInProcess([reason, exporter], args);
  assert.equal(out.error, undefined, out.error?.message);
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { json: JSON.parse(out.stdout), code };
}

test("a human rationale always wins: in prompts, and where a synthesized reason would go", () => {
  const [s] = shopSessions(1, { steps: 3, rationaleEvery: 0 });
  s.steps[0].reasoning = "I want a light shirt.";
  s.steps[0].synthesized_reasoning = "A model's guess.";
  s.steps[1].synthesized_reasoning = "I need the medium size.";
  const messages = nextActionMessages(s, 2);
  assert.equal(JSON.parse(messages[2].content).reasoning, "I want a light shirt.");
  assert.equal(JSON.parse(messages[4].content).reasoning, "I need the medium size.");
  assert.deepEqual(stepsToReason(s), [2]);
  // Even a reason offered for a step with a rationale is not written there.
  const reasons = new Map([
    [`${s.session}\u00000`, "overwrite?"],
    [`${s.session}\u00002`, "I'll buy it."],
  ]);
  const { sessions, added } = withSynthesizedReasons([s], reasons);
  assert.equal(added, 1);
  assert.equal(sessions[0].steps[0].synthesized_reasoning, "A model's guess.");
  assert.equal(sessions[0].steps[0].reasoning, "I want a light shirt.");
  assert.equal(sessions[0].steps[2].synthesized_reasoning, "I'll buy it.");
  assert.equal(s.steps[2].synthesized_reasoning, undefined, "the input is not changed");

  assert.deepEqual(checkReason('{"reasoning": " I like it. "}'), { ok: true, value: "I like it." });
  assert.match(
    (checkReason("I like it.") as { problems: { reason: string }[] }).problems[0].reason,
    /not JSON/,
  );
  assert.match(
    (checkReason('{"reasoning": ""}') as { problems: { reason: string }[] }).problems[0].reason,
    /missing/,
  );
  assert.match(
    (checkReason(JSON.stringify({ reasoning: "x".repeat(301) })) as { problems: { reason: string }[] })
      .problems[0].reason,
    /301 characters/,
  );
});

test("webactions reason on the mock: reasons for the steps without a rationale only, resumable, and the export says which rationales are whose", async () => {
  const sessions: Session[] = shopSessions(6, { steps: 4, rationaleEvery: 3 });
  sessions[1].steps[1].synthesized_reasoning = "I check the size before I decide.";
  const file = join(dir, "sessions.jsonl");
  writeFileSync(file, toJsonl(sessions));
  const examples = join(dir, "examples.jsonl");
  writeFileSync(
    examples,
    toJsonl([
      {
        action: { type: "click", target: "cart.checkout" },
        reasoning: "Everything I need is in the cart now.",
      },
      {
        context: "<button name='filter.wool'>Wool</button>",
        action: { type: "click", target: "filter.wool" },
        reasoning: "Wool keeps my feet warm.",
      },
    ]),
  );
  const human = sessions.flatMap((s) => s.steps.filter((x) => x.reasoning)).length;
  const toWrite = sessions.reduce((n, s) => n + stepsToReason(s).length, 0);
  assert.ok(human > 0 && toWrite > 0);

  const db = join(dir, "reason.db");
  const out = join(dir, "reasoned.jsonl");
  const mock = await startMockLlm({ port: 0, seed: 3, recordRequests: 100 });
  const args = [
    "webactions",
    "reason",
    file,
    "--model",
    `${mock.url}/v1#mock`,
    "--out",
    out,
    "--db",
    db,
    "--examples",
    examples,
    "--json",
  ];
  let first: Awaited<ReturnType<typeof populace>>;
  let again: Awaited<ReturnType<typeof populace>>;
  let bodies: { messages: { role: string; content: string }[] }[];
  let firstText: string;
  try {
    first = await populace(args);
    bodies = mock.requests() as typeof bodies;
    firstText = readFileSync(out, "utf8");
    again = await populace(args);
    assert.equal(mock.requests().length, bodies.length, "the rerun asks nothing again");
  } finally {
    await mock.close();
  }
  assert.equal(first.code, 0);
  assert.equal(first.json.synthesized, toWrite);
  assert.equal(first.json.human, human);
  assert.equal(first.json.kept, 1);
  assert.equal(bodies.length, toWrite, "one call per step without a rationale, none for the others");
  assert.ok(
    bodies.every((b) => b.messages[0].content.includes("Wool keeps my feet warm.")),
    "the examples given",
  );
  assert.equal(again.code, 0);
  assert.equal(again.json.run, first.json.run);
  assert.equal(readFileSync(out, "utf8"), firstText, "the same file again");

  const written = readSessions(out).sessions;
  for (const [i, s] of sessions.entries()) {
    for (const [t, step] of s.steps.entries()) {
      const w = written[i].steps[t];
      assert.deepEqual(w.action, step.action);
      assert.equal(w.context, step.context);
      assert.equal(w.reasoning, step.reasoning, "a human rationale is never changed");
      if (step.reasoning) assert.equal(w.synthesized_reasoning, undefined, "nor joined by a synthesized one");
      else if (step.synthesized_reasoning) assert.equal(w.synthesized_reasoning, step.synthesized_reasoning);
      else assert.ok(w.synthesized_reasoning && w.synthesized_reasoning.length > 0, `s${i + 1} step ${t}`);
    }
  }

  // The export trains on the human rationale where there is one, else on the synthesized one, and says so.
  const train = join(dir, "train.jsonl");
  const exported = await populace([
    "finetune",
    "export",
    "--sessions",
    out,
    "--out",
    train,
    "--test-share",
    "0",
    "--json",
  ]);
  const steps = written.reduce((n, s) => n + s.steps.length, 0);
  assert.deepEqual(exported.json.rationales, { human, synthesized: steps - human, none: 0 });
  const trained = readFileSync(train, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(JSON.parse(l).messages.at(-1).content).reasoning);
  const expected = written.flatMap((s) => s.steps.map((x) => x.reasoning ?? x.synthesized_reasoning));
  assert.deepEqual(trained, expected);
  const ablation = await populace([
    "finetune",
    "export",
    "--sessions",
    out,
    "--out",
    join(dir, "nr.jsonl"),
    "--test-share",
    "0",
    "--no-reasoning",
    "--json",
  ]);
  assert.deepEqual(ablation.json.rationales, { human: 0, synthesized: 0, none: steps });
});

test("a reason that stays invalid after the repairs is not written, and the command says so (exit 3)", async () => {
  const sessions = shopSessions(2, { steps: 3, rationaleEvery: 2 });
  const file = join(dir, "prose.jsonl");
  writeFileSync(file, toJsonl(sessions));
  const out = join(dir, "prose.out.jsonl");
  // Every reply is prose, not the JSON asked for.
  const mock = await startMockLlm({ port: 0, seed: 1, errorRate: 1, faults: ["prose"], recordRequests: 50 });
  let r: Awaited<ReturnType<typeof populace>>;
  let bodies: { messages: { role: string; content: string }[] }[];
  try {
    r = await populace([
      "webactions",
      "reason",
      file,
      "--model",
      `${mock.url}/v1#mock`,
      "--out",
      out,
      "--db",
      join(dir, "prose.db"),
      "--json",
    ]);
    bodies = mock.requests() as typeof bodies;
  } finally {
    await mock.close();
  }
  const toWrite = sessions.reduce((n, s) => n + stepsToReason(s).length, 0);
  assert.equal(r.code, 3);
  assert.equal(r.json.failed, toWrite);
  assert.equal(r.json.synthesized, 0);
  assert.equal(bodies.length, toWrite * 3, "each asked, then repaired twice");
  assert.match(
    bodies.at(-1)!.messages.at(-1)!.content,
    /^Your answer could not be used:\n- the reply is not JSON/,
  );
  const written = readSessions(out).sessions;
  assert.ok(written.every((s) => s.steps.every((x) => x.synthesized_reasoning === undefined)));
  assert.deepEqual(
    written.map((s) => s.steps.map((x) => x.reasoning)),
    sessions.map((s) => s.steps.map((x) => x.reasoning)),
  );
});
