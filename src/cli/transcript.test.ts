import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { parseCsv } from "../data/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";

// `populace transcript` and the turn column of `populace results`, as a user runs them.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-transcript-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("transcript shows each episode's turns (text and JSONL); results carry the turn and the skipped items", async () => {
  const mock = await startMockLlm({ seed: 6 });
  try {
    const spec = join(dir, "t.yaml");
    writeFileSync(
      spec,
      `name: t
population: {source: personas, personas: [{id: ann, text: "I am Ann, a nurse."}, {id: bob, text: "I am Bob, a farmer."}]}
instrument:
  flow: sequential
  items:
    - {id: pet, type: multiple_choice, text: "Which pet do you have?", options: [Dog, Cat, None]}
    - {id: name, type: free_text, text: "What is your {{pet}}'s name?", when: {item: pet, in: [Dog, Cat]}}
`,
    );
    const db = join(dir, "t.db");
    // spawnSync would block this process, where the mock server lives: run the CLI asynchronously.
    const run = await new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(bin, ["run", spec, "--model", `${mock.url}/v1#mock`, "--db", db]);
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d;
      });
      child.on("close", (status: number | null) => done({ status, stderr }));
    });
    assert.equal(run.status, 0, run.stderr);
    const text = spawnSync(bin, ["transcript", "--db", db], { encoding: "utf8" });
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /^== ann\/survey\/control\/r1 ==\n\[0\] to ann \(http:\/\/127\.0\.0\.1:\d+\/v1#mock, \d+ in \/ \d+ out tokens\):\n {4}> Answer each of the following questions\.\n {4}> \n {4}> \[pet\] Which pet do you have\?/,
    );
    assert.match(text.stdout, /\n== bob\/survey\/control\/r1 ==\n/);
    const csv = parseCsv(spawnSync(bin, ["results", "--db", db], { encoding: "utf8" }).stdout);
    const col = (name: string) => csv.header.indexOf(name);
    const rows = csv.rows.map((r) => ({
      agent: r[col("agent")],
      item: r[col("item")],
      status: r[col("status")],
      turn: r[col("turn")],
      answer: r[col("answer")],
      reason: r[col("reason")],
    }));
    assert.equal(rows.length, 4);
    for (const agent of ["ann", "bob"]) {
      const pet = rows.find((r) => r.agent === agent && r.item === "pet")!;
      const name = rows.find((r) => r.agent === agent && r.item === "name")!;
      assert.equal(pet.turn, "0");
      if (pet.answer === "None") {
        assert.deepEqual([name.status, name.turn], ["skipped", ""]);
        assert.equal(name.reason, 'skipped: when pet in ["Dog", "Cat"] does not hold');
      } else {
        assert.deepEqual([name.status, name.turn], ["ok", "1"]);
        const jsonl = spawnSync(
          bin,
          [
            "transcript",
            "--db",
            db,
            csv.rows[0][col("run")],
            `${agent}/survey/control/r1`,
            "--format",
            "jsonl",
          ],
          { encoding: "utf8" },
        );
        const turns = jsonl.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        assert.deepEqual(
          turns.map((t) => [t.job, t.turn, t.speaker]),
          [
            [`${agent}/survey/control/r1`, 0, agent],
            [`${agent}/survey/control/r1`, 1, agent],
          ],
        );
        assert.ok(
          turns[1].prompt.includes(`What is your ${pet.answer}'s name?`),
          "piped text in the transcript",
        );
        assert.equal(turns[1].payload.value.answer, name.answer);
      }
    }
    const missing = spawnSync(
      bin,
      ["transcript", "--db", db, csv.rows[0][col("run")], "nobody/survey/control/r1"],
      { encoding: "utf8" },
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /has no job "nobody\/survey\/control\/r1"/);
  } finally {
    await mock.close();
  }
});
