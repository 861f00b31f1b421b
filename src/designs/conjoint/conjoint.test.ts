import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../errors/index.ts";
import {
  type ConjointDesign,
  checkConjointChoice,
  checkConjointDesign,
  conjointCsv,
  conjointRows,
  conjointTaskRequest,
  conjointTasks,
  isAllowed,
  repeatedChoice,
} from "./index.ts";

const HIGH = ["college degree", "graduate degree"];
const design: ConjointDesign = {
  attributes: [
    { name: "Education", levels: ["no formal", "high school", ...HIGH] },
    { name: "Job", levels: ["janitor", "nurse", "doctor"] },
    { name: "Gender", levels: ["female", "male"] },
  ],
  // As in Hainmueller et al.: a doctor needs a degree.
  restrictions: [{ when: { Education: ["no formal", "high school"] }, exclude: { Job: ["doctor"] } }],
  tasks: 5,
  repeat_task: 2,
};

test("a person's tasks are drawn from the seed and their id, with the repeated task swapped at the end", () => {
  const a = conjointTasks(design, "p1", 7);
  assert.deepEqual(conjointTasks(design, "p1", 7), a, "same seed and person, same tasks");
  assert.notDeepEqual(conjointTasks(design, "p2", 7).tasks, a.tasks);
  assert.notDeepEqual(conjointTasks(design, "p1", 8).tasks, a.tasks);
  assert.equal(a.tasks.length, 6);
  assert.deepEqual(
    a.tasks.map((t) => t.task),
    [1, 2, 3, 4, 5, 6],
  );
  const last = a.tasks[5];
  assert.equal(last.repeats, 2);
  assert.deepEqual(last.profiles, [a.tasks[1].profiles[1], a.tasks[1].profiles[0]]);
  assert.deepEqual([...a.attribute_order].sort(), ["Education", "Gender", "Job"]);
  const fixed = conjointTasks({ ...design, randomize_attribute_order: false }, "p1", 7);
  assert.deepEqual(fixed.attribute_order, ["Education", "Job", "Gender"]);
  const orders = new Set(
    Array.from({ length: 40 }, (_, i) => conjointTasks(design, `p${i}`, 1).attribute_order.join()),
  );
  assert.ok(orders.size >= 4, `attribute order is shuffled per person (${orders.size} orders in 40 people)`);
});

test("profiles never take a restricted combination, differ within a task, and levels are otherwise uniform", () => {
  const counts = new Map<string, number>();
  let profiles = 0;
  for (let i = 0; i < 2000; i++) {
    for (const t of conjointTasks(design, `r${i}`, "uniform").tasks) {
      if (t.repeats) continue;
      const [p, q] = t.profiles;
      assert.ok(
        Object.keys(p).some((k) => p[k] !== q[k]),
        "the two profiles of a task differ",
      );
      for (const prof of t.profiles) {
        assert.ok(isAllowed(prof, design.restrictions), JSON.stringify(prof));
        const key = `${prof.Education}|${prof.Job}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        profiles++;
      }
    }
  }
  // Uniform over the 10 allowed Education × Job cells (12 minus the 2 excluded): 10% each.
  assert.equal(counts.size, 10);
  assert.equal(counts.get("no formal|doctor"), undefined);
  for (const [cell, c] of counts) {
    const share = c / profiles;
    assert.ok(Math.abs(share - 0.1) < 0.01, `${cell}: ${share}`);
  }
});

test("a design's problems name their field; impossible restrictions are refused", () => {
  const bad: ConjointDesign = {
    attributes: [
      { name: "Job", levels: ["nurse", "nurse"] },
      { name: "Age", levels: ["30"] },
    ],
    restrictions: [{ when: { Jobb: ["nurse"] }, exclude: { Job: ["pilot"] } }],
    tasks: 3,
    repeat_task: 4,
  };
  assert.throws(
    () => checkConjointDesign(bad),
    (e: unknown) =>
      e instanceof UserError &&
      /attributes\[0\]\.levels: levels must be distinct/.test(e.message) &&
      /attributes\[1\]\.levels: at least 2 levels/.test(e.message) &&
      /restrictions\[0\]\.when\.Jobb: unknown attribute \(attributes: Job, Age\)/.test(e.message) &&
      /restrictions\[0\]\.exclude\.Job: "pilot" is not a level of Job/.test(e.message) &&
      /repeat_task: must be one of the tasks, 1 to 3/.test(e.message),
  );
  const impossible: ConjointDesign = {
    attributes: [{ name: "A", levels: ["x", "y"] }],
    restrictions: [
      { when: { A: ["x"] }, exclude: { A: ["x"] } },
      { when: { A: ["y"] }, exclude: { A: ["y"] } },
    ],
    tasks: 1,
  };
  assert.throws(() => conjointTasks(impossible, "p", 1), /no allowed profile/);
  const single: ConjointDesign = { ...impossible, restrictions: [impossible.restrictions![0]] };
  assert.throws(() => conjointTasks(single, "p", 1), /allow only one profile/);
});

test("a task's prompt lists both profiles in the person's attribute order, and the answer check is precise", () => {
  const person = conjointTasks(design, "p1", 7);
  const task = person.tasks[1];
  const req = conjointTaskRequest(person, task, {
    question: "Which of these two immigrants should be admitted?",
    profile_noun: "immigrant",
  });
  assert.match(req.user, /^Task 2 of 6\./);
  const a = req.user.indexOf("Immigrant A");
  const b = req.user.indexOf("Immigrant B");
  assert.ok(a > 0 && b > a);
  const blockA = req.user.slice(a, b);
  const order = person.attribute_order.map((name) => blockA.indexOf(`- ${name}: ${task.profiles[0][name]}`));
  assert.ok(
    order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])),
    "attributes in order, with A's levels",
  );
  assert.ok(req.user.slice(b).includes(`- Job: ${task.profiles[1].Job}`));
  assert.deepEqual(req.schema.schema.properties, { choice: { type: "string", enum: ["A", "B"] } });
  assert.deepEqual(checkConjointChoice('{"choice": "B"}'), { choice: 2 });
  assert.deepEqual(checkConjointChoice('```json\n{"choice": "a"}\n```'), { choice: 1 });
  assert.deepEqual(checkConjointChoice('{"choice": "Immigrant B"}', { profile_noun: "immigrant" }), {
    choice: 2,
  });
  assert.deepEqual(checkConjointChoice('{"choice": "C"}'), {
    problems: [{ reason: 'choice: "C" is not "A" or "B"' }],
  });
  assert.match(
    (checkConjointChoice("B") as { problems: { reason: string }[] }).problems[0].reason,
    /not JSON/,
  );
  assert.match(
    (checkConjointChoice('{"pick": "A"}') as { problems: { reason: string }[] }).problems[0].reason,
    /no "choice" field/,
  );
});

test("choices become the long table (one row per profile) and the repeated choice its own record", () => {
  const person = conjointTasks(design, "p9", 3);
  const choices = new Map<number, 1 | 2>([
    [1, 1],
    [2, 2],
    [3, 1],
    [4, 2],
    [5, 2],
    [6, 2],
  ]);
  const rows = conjointRows(person, choices);
  assert.equal(rows.length, 10, "5 main tasks × 2 profiles; the repeat is left out");
  assert.deepEqual(
    rows.filter((r) => r.task === 2).map((r) => [r.profile, r.chosen]),
    [
      [1, 0],
      [2, 1],
    ],
  );
  // Task 6 repeats task 2 swapped: choosing its B (2) is choosing task 2's A (1) — inconsistent here.
  assert.deepEqual(repeatedChoice(person, choices), { respondent: "p9", task: 2, original: 2, repeated: 1 });
  const csv = conjointCsv(rows, design.attributes).split("\n");
  assert.equal(csv[0], "respondent,task,profile,Education,Job,Gender,chosen");
  assert.equal(csv.length, 12);
  choices.delete(3);
  assert.throws(() => conjointRows(person, choices), /person p9 has no choice for task 3/);
});
