import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { conjointCsv } from "../designs/conjoint/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type TurnRecord } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import { type ConjointInputs, readConjointRun } from "./index.ts";

// Real parts: a real SQLite file, real HTTP to the mock LLM server (a test double choosing A or B
// by a seeded draw, so its AMCEs are noise around 0, not preferences), the CLI in a child process.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-conjoint-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function populace(args: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile(bin, args, { cwd: dir }, (error, stdout, stderr) =>
      error ? fail(new Error(stderr || error.message)) : done(stdout),
    ),
  );
}

const SPEC = `name: immigrants
seed: 9
population:
  source: personas
  personas:
${Array.from({ length: 30 }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${25 + i} years old."}`).join("\n")}
instrument:
  template: conjoint
  question: Which of these two immigrants should be given priority to come to the United States?
  profile_noun: immigrant
  attributes:
    - { name: Education, levels: [no formal, high school, college degree] }
    - { name: Job, levels: [janitor, nurse, doctor] }
    - { name: Language, levels: [fluent English, used interpreter] }
  restrictions:
    - { when: { Education: [no formal] }, exclude: { Job: [doctor] } }
  tasks: 4
  repeat_task: 2
`;

test("a conjoint study: tasks per person as episodes, amce --run from the store, the repeated task's agreement", async () => {
  const mock = await startMockLlm({ port: 0, seed: 14 });
  const db = join(dir, "conjoint.db");
  let runId: string;
  try {
    const store = openStore(db);
    const result = await runStudy({
      study: parseStudy(SPEC, join(dir, "immigrants.yaml")),
      store,
      dataDir: dir,
      model: createModel(`${mock.url}/v1#mock`, { env: {} }),
    });
    runId = result.run.id;
    assert.equal(result.run.status, "completed");
    // What each person was shown is what their job stored, and what the analysis reads.
    const jobs = await store.jobs(runId);
    assert.equal(jobs.length, 30);
    for (const job of jobs) {
      const tasks = (job.inputs as unknown as ConjointInputs).tasks;
      assert.equal(tasks.tasks.length, 5);
      const turns: TurnRecord[] = [];
      for await (const t of store.turns(runId, job.seq)) turns.push(t);
      assert.equal(turns.length, 5, "one turn per task");
      turns.forEach((t, k) => {
        const shown = (t.payload as { shown: { task: number; profiles: Record<string, string>[] } }).shown;
        assert.deepEqual(shown.profiles, tasks.tasks[k].profiles);
        for (const [i, label] of ["Immigrant A", "Immigrant B"].entries()) {
          const block = t.prompt!.split(`${label}\n`)[1].split("\n\n")[0];
          for (const a of tasks.attribute_order) assert.ok(block.includes(`- ${a}: ${shown.profiles[i][a]}`));
        }
        if (k > 0)
          assert.ok(
            !t.prompt!.includes("Task 1 of 5."),
            "earlier tasks are in the conversation, not restated",
          );
      });
      assert.deepEqual(tasks.tasks[4].profiles, [tasks.tasks[1].profiles[1], tasks.tasks[1].profiles[0]]);
      for (const p of tasks.tasks.flatMap((t) => t.profiles))
        assert.ok(!(p.Education === "no formal" && p.Job === "doctor"), "the restriction holds");
    }
    // The repeated task's agreement, counted here from the stored choices: task 5 shows task 2 swapped.
    const choice = new Map<string, string>();
    for await (const r of store.responses(runId)) choice.set(`${r.agentId} ${r.item}`, String(r.answer));
    const same = jobs.filter((j) => {
      const a = choice.get(`${j.agentId} task2`);
      const b = choice.get(`${j.agentId} task5`);
      return (a === "A" && b === "B") || (a === "B" && b === "A");
    }).length;

    const out = JSON.parse(await populace(["amce", "--run", runId, "--db", db, "--json"]));
    assert.equal(out.n_respondents, 30);
    assert.equal(out.n_profiles, 30 * 4 * 2, "the repeated task is not counted twice");
    assert.deepEqual(
      out.terms.map((t: { attribute: string; level: string }) => `${t.attribute}: ${t.level}`),
      [
        "Education: high school",
        "Education: no formal",
        "Job: janitor",
        "Job: nurse",
        "Language: used interpreter",
      ],
      "baselines: the first level in code-point order",
    );
    assert.equal(out.repeated_task.n, 30);
    assert.ok(Math.abs(out.repeated_task.agreement - same / 30) < 1e-12);
    assert.equal(out.left_out, 0);

    // The same rows written as a file give the same estimates through the file path.
    const rows = await readConjointRun(store, runId);
    const file = join(dir, "profiles.csv");
    const attributes = [
      { name: "Education", levels: [] },
      { name: "Job", levels: [] },
      { name: "Language", levels: [] },
    ];
    writeFileSync(file, conjointCsv(rows.rows, attributes));
    const fromFile = JSON.parse(
      await populace([
        "amce",
        file,
        "--outcome",
        "chosen",
        "--respondent",
        "respondent",
        "--attributes",
        "Education,Job,Language",
        "--json",
      ]),
    );
    for (const [i, t] of out.terms.entries()) {
      assert.ok(Math.abs(t.estimate - fromFile.terms[i].estimate) < 1e-12);
      assert.ok(Math.abs(t.se - fromFile.terms[i].se) < 1e-12);
    }
    const report = JSON.parse(await populace(["report", "--db", db, "--json"]));
    assert.equal(report.conjoint.amce.n_profiles, 240);
    assert.ok(Math.abs(report.conjoint.repeated.agreement - same / 30) < 1e-12);
    await store.close();
  } finally {
    await mock.close();
  }
  await assert.rejects(
    populace(["amce", "--run", runId, "--db", db, "--outcome", "x"]),
    /--outcome is for FILE/,
  );
  await assert.rejects(populace(["amce", "--db", db]), /give the profiles as FILE or as --run RUN/);
});
