import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { groupFolds, precisionRecall, rocAuc } from "../analysis/text/index.ts";
import { dataFile, resolveDataDir } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { createRng } from "../random/index.ts";
import { CMV_THREADS, labelledComments, readThreadsFile, trainJudge, validateJudge } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-judge-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const cmv = () => readThreadsFile(dataFile(resolveDataDir(), CMV_THREADS, "CMV threads"));

test("the CMV threads read as PROVENANCE.txt counts them", () => {
  const threads = cmv();
  assert.equal(threads.length, 2582);
  const comments = threads.flatMap((t) => t.comments);
  assert.equal(comments.length, 9037);
  assert.equal(comments.filter((c) => c.violatedRule !== 0).length, 1335);
  assert.equal(comments.filter((c) => c.violatedRule === 2).length, 1291);
  assert.equal(threads.find((t) => t.thread === "ah-0")?.comments.length, 4);
  assert.equal(threads.find((t) => t.thread === "ah-0")?.group, "t3_6609dn");
});

test("a malformed threads file is refused naming the line and the field", () => {
  const file = join(dir, "bad.jsonl");
  const ok = JSON.stringify({
    thread: "x1",
    comments: [{ id: "c1", parent_id: "t3_a", author: "u1", body: "hi" }],
  });
  writeFileSync(
    file,
    `${ok}\n${JSON.stringify({ thread: "x2", comments: [{ id: "c1", parent_id: "", author: "u1" }] })}\n`,
  );
  assert.throws(
    () => readThreadsFile(file),
    (e: unknown) => e instanceof UserError && e.message.includes(`${file}:2 comments[0].body`),
  );
  writeFileSync(file, `${ok}\n${ok}\n`);
  assert.throws(() => readThreadsFile(file), /bad\.jsonl:2 thread: thread "x1" appears twice/);
  writeFileSync(file, "\n");
  assert.throws(() => readThreadsFile(file), /no threads in the file/);
});

test("trained on CMV submissions, the judge finds the moderators' removals in held-out submissions", () => {
  const corpus = labelledComments(cmv());
  const folds = groupFolds(
    corpus.texts.map((t) => t.group),
    5,
    createRng("judge-test").next,
  );
  const train = corpus.texts.filter((_, i) => folds[i] !== 0);
  const test = corpus.texts.filter((_, i) => folds[i] === 0);
  const judge = trainJudge(corpus.grams, train, 1);
  const scores = test.map((t) => judge.probability(t.text));
  const labels = test.map((t) => t.label);
  const pr = precisionRecall(scores, labels, judge.threshold);
  const auc = rocAuc(scores, labels);
  console.log(
    `# held-out CMV submissions: precision ${pr.precision.toFixed(3)}, recall ${pr.recall.toFixed(3)}, AUC ${auc.toFixed(3)}`,
  );
  // Removed comments are 15% of all: flagging at random would give precision ≈ 0.15 and AUC 0.5.
  assert.ok(pr.precision > 0.4 && pr.recall > 0.45, JSON.stringify(pr));
  assert.ok(auc > 0.8, `AUC ${auc}`);
  assert.ok(judge.flags("You are clearly too stupid to understand basic logic, idiot."));
  assert.ok(!judge.flags("Thanks, that is a fair point about rent control; I had not considered supply."));
});

test("the nested validation holds each group out together and reports per fold", () => {
  const rude = ["you idiot", "you are stupid", "what a moron you are", "shut up idiot", "stupid moron"];
  const kind = [
    "thanks for the point",
    "good argument here",
    "i see your view",
    "fair point thanks",
    "i agree with that",
  ];
  const threads = Array.from({ length: 40 }, (_, i) => ({
    thread: `t${i}`,
    group: `g${i % 20}`,
    comments: [
      { id: `a${i}`, parentId: "", author: "u1", body: kind[i % 5], violatedRule: 0 },
      { id: `b${i}`, parentId: `a${i}`, author: "u2", body: rude[i % 5], violatedRule: 2 },
    ],
  }));
  const v = validateJudge(labelledComments(threads), 4, 3);
  assert.equal(v.perFold.length, 4);
  assert.equal(v.comments, 80);
  assert.equal(v.flaggedByModerators, 40);
  assert.equal(
    v.perFold.reduce((n, f) => n + f.test, 0),
    80,
  );
  assert.equal(v.precision, 1);
  assert.equal(v.recall, 1);
  assert.match(v.method, /nested 4-fold cross-validation, folds by Reddit submission/);
});
