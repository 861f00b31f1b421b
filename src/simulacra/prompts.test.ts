import assert from "node:assert/strict";
import { test } from "node:test";
import { communityBlock, readFields, threadText } from "./prompts.ts";

const path = [
  { author: "p1", text: "Title\n\nMy first loaf came out flat." },
  { author: "p2", text: "x".repeat(300) },
  { author: "p3", text: "y".repeat(300) },
  { author: "p1", text: "Thanks, I will try a longer proof." },
];

test("the thread shown to a replier: pseudonyms, their own messages marked, oldest replies cut past the limit", () => {
  const full = threadText(path, "p1", 10_000);
  assert.match(full, /^Post by u1 \(you\):\nTitle/);
  assert.match(full, /Reply by u2:\nx{300}/);
  assert.match(full, /Reply by u1 \(you\):\nThanks/);
  const cut = threadText(path, "p3", 400);
  assert.ok(cut.length <= 400, `${cut.length}`);
  assert.match(cut, /^Post by u1:\nTitle/, "the post stays");
  assert.match(cut, /\[2 earlier replies not shown\]/);
  assert.doesNotMatch(cut, /x{10}|y{10}/);
  assert.match(cut, /Thanks, I will try/, "the latest reply stays");
  const huge = threadText([{ author: "p1", text: "z".repeat(5000) }], "p2", 400);
  assert.ok(huge.length <= 400 && /characters not shown/.test(huge));
});

test("the community block states the goal and numbers the rules, or says there are none", () => {
  assert.equal(
    communityBlock({ goal: "bakers", rules: ["Be kind", "No ads"] }),
    "The community: bakers\nIts rules:\n1. Be kind\n2. No ads",
  );
  assert.equal(
    communityBlock({ goal: "hockey", rules: [] }),
    "The community: hockey\nThe community has no rules.",
  );
});

test("answers are checked field by field and a repair names what was wrong", () => {
  const request = { messages: [{ role: "user" as const, content: "write" }] };
  const ok = readFields({ text: '{"reply": " hi "}' }, request, ["reply"]);
  assert.deepEqual(ok, { ok: true, value: { reply: "hi" } });
  const bad = readFields({ text: '{"title": "", "body": 3}' }, request, ["title", "body"]);
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.deepEqual(
    bad.problems.map((p) => p.reason),
    ['"title" is empty', '"body" is missing or not a string'],
  );
  assert.match(
    bad.again.messages.at(-1)!.content,
    /Reply again with JSON only: \{"title": "...", "body": "..."\}/,
  );
  const prose = readFields({ text: "Sure! Here is my reply" }, request, ["reply"]);
  assert.equal(prose.ok, false);
});
