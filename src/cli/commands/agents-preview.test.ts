import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";

// The command as a user runs it: bin/populace in a child process.
const bin = resolve(import.meta.dirname, "../../../bin/populace");
const sample = join(resolveDataDir(), "genagents-interview-sample");
const dir = mkdtempSync(join(tmpdir(), "populace-transcripts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function populace(...args: string[]) {
  return spawnSync(bin, args, { encoding: "utf8", env: { ...process.env, POPULACE_DEBUG: "" } });
}

test("agents preview: a table of people and a report of what was masked, by kind and place", () => {
  const kim = join(dir, "kim.txt");
  writeFileSync(
    kim,
    "Interviewer: How can we reach you?\nKim Tran: Call 415-555-0172 or write kim@example.net.\n",
  );
  const r = populace("agents", "preview", sample, kim);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "2 people: 116 exchanges, 12,683 words");
  assert.match(
    r.stdout,
    /genagents-interview-sample\s+genagents\s+115\s+12,673\s+Joon\s+scratch\.json \(28 attributes\)/,
  );
  assert.match(r.stdout, /\nkim\s+text\s+1\s+10\s+Kim\s+none\n/);
  assert.match(r.stdout, /\nmasked: 1 email, 1 phone number, 1 street address, 1 name\n/);
  assert.match(r.stdout, /kim: 1 email at .*kim\.txt:2; 1 phone number at .*kim\.txt:2/);
  assert.ok(!r.stdout.includes("555-0172") && !r.stdout.includes("example.net"), "values are never shown");

  const json = JSON.parse(populace("agents", "preview", kim, "--json").stdout);
  assert.deepEqual(json.masked, { email: 1, phone: 1 });
  assert.equal(json.people[0].respondent, "Kim");
  assert.equal(json.people[0].exchanges, 1);
  assert.equal(json.people[0].turns, 2);

  const show = populace("agents", "preview", kim, "--show", "kim");
  assert.equal(
    show.stdout,
    'Below is the transcript of an interview with me. I am "Kim"; "Interviewer" asked the questions.\n\n' +
      "Interviewer: How can we reach you?\n\nKim: Call [phone] or write [email].\n\n(End of the interview.)\n",
  );
  const fifth = populace(
    "agents",
    "preview",
    sample,
    "--show",
    "genagents-interview-sample",
    "--keep",
    "0.2",
  );
  assert.match(fifth.stdout, /^Below are excerpts from an interview with me \(23 of its 115 exchanges/);
});

test("agents preview: a bad transcript is one line naming file and line, exit 2", () => {
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, '{"speaker": "Interviewer", "text": "Hi"}\n{"speaker": "Lu"}\n');
  const r = populace("agents", "preview", bad);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `populace: error: ${bad}:2: "text" must be a string, got nothing\n`);
  const keep = populace("agents", "preview", bad, "--keep", "2");
  assert.equal(keep.status, 2);
  assert.match(keep.stderr, /--keep/);
});
