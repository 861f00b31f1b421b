import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { profileText, withConditioning } from "../conditioning.ts";
import { keptExchanges, loadInterviewAgents, redactor } from "./index.ts";
import type { Redaction } from "./types.ts";

const sample = join(resolveDataDir(), "genagents-interview-sample");

function temp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "populace-interviews-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function userError(where: RegExp, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.match(e.where ?? "", where);
    assert.match(e.message, message);
    return true;
  };
}

const TEXT = [
  "Interviewer: Tell me the story of your life.",
  "",
  "Ana Souza: I grew up in Recife. My email is ana.souza@example.org and my old number",
  "was (415) 555-0134. We lived at 42 Rua Augusta Street, Apt 3B, until 2007, 2008.",
  "",
  "Note: the next part was quiet.",
  "Interviewer: And now?",
  "[00:12:31] Ana Souza: Now I teach. Souza is a common name. I paid $80,000 for school.",
].join("\n");

test("plain text: turns, continuation lines, timestamps; PII masked and reported by line, never by value", () => {
  const dir = temp({ "ana.txt": TEXT });
  const [agent] = loadInterviewAgents({ files: [join(dir, "ana.txt")], seed: 1 });
  const t = agent.interview!;
  assert.equal(agent.id, "ana");
  assert.equal(t.format, "text");
  assert.equal(t.interviewer, "Interviewer");
  assert.equal(t.respondent, "Ana", "the label is reduced to the first name");
  assert.equal(t.exchanges.length, 2);
  assert.deepEqual(
    t.exchanges.map((e) => e.map((turn) => `${turn.speaker}@${turn.line}`)),
    [
      ["Interviewer@1", "Ana@3"],
      ["Interviewer@7", "Ana@8"],
    ],
  );
  const answer = t.exchanges[0][1].text;
  assert.match(
    answer,
    /My email is \[email\] and my old number\nwas \[phone\]\. We lived at \[address\], until 2007, 2008\./,
  );
  assert.match(answer, /Note: the next part was quiet\./, "a label used once is text, not a speaker");
  assert.equal(t.exchanges[1][1].text, "Now I teach. [name] is a common name. I paid $80,000 for school.");
  const file = join(dir, "ana.txt");
  assert.deepEqual(
    t.redactions.map((r) => `${r.kind}@${r.where}`),
    [`email@${file}:3`, `address@${file}:3`, `phone@${file}:3`, `name@${file}:8`],
  );
  assert.ok(!JSON.stringify(t).includes("555-0134") && !JSON.stringify(t).includes("example.org"));
  // Without redaction the text is as written.
  const [raw] = loadInterviewAgents({ files: [file], seed: 1, redact: false });
  assert.match(raw.interview!.exchanges[0][1].text, /ana\.souza@example\.org/);
  assert.equal(raw.interview!.redactions.length, 0);
});

test("redaction patterns: phones, emails and addresses in their usual shapes; years, amounts and dates untouched", () => {
  const r = redactor(["Park"]);
  const cases: [string, string][] = [
    ["call 650-555-0199 or 650.555.0199", "call [phone] or [phone]"],
    ["+1 (650) 555 0199 and +44 20 7946 0958", "[phone] and [phone]"],
    ["mail j.park+lab@cs.stanford.edu now", "mail [email] now"],
    ["I live at 10 West 42nd Street, and at 4-6 Old Mill Road.", "I live at [address], and at [address]."],
    ["Send it to P.O. Box 1234.", "Send it to [address]."],
    ["Mr. Park met Parker at the park", "Mr. [name] met Parker at the park"],
    ["born 1994, moved in 2007, 2008, 2007; 1,052 people; $80,000; 2024-05-01; 3 kids and the road", ""],
  ];
  for (const [input, expected] of cases) {
    const out: Redaction[] = [];
    assert.equal(r.mask(input, "x", out), expected || input, input);
    if (!expected) assert.equal(out.length, 0, input);
  }
});

test("JSONL: one {speaker, text} per line; bad lines name file and line", () => {
  const good = [
    '{"speaker": "Interviewer", "text": "Where did you grow up?"}',
    "",
    '{"speaker": "Sam", "text": "In Ohio.", "t": 3.2}',
    '{"speaker": "Sam", "text": "Near Dayton."}',
  ].join("\n");
  const dir = temp({
    "sam.jsonl": good,
    "bad.jsonl": '{"speaker": "Interviewer", "text": "Hi"}\n{"speaker": 3}\n',
  });
  const [sam] = loadInterviewAgents({ files: [join(dir, "sam.jsonl")], seed: 1 });
  assert.equal(sam.interview!.exchanges.length, 1);
  assert.deepEqual(
    sam.interview!.exchanges[0].map((t) => [t.speaker, t.text, t.line]),
    [
      ["Interviewer", "Where did you grow up?", 1],
      ["Sam", "In Ohio.", 3],
      ["Sam", "Near Dayton.", 4],
    ],
  );
  assert.throws(
    () => loadInterviewAgents({ files: [join(dir, "bad.jsonl")], seed: 1 }),
    userError(/bad\.jsonl:2$/, /"speaker" must be a string, got number/),
  );
  writeFileSync(
    join(dir, "broken.jsonl"),
    '{"speaker": "Interviewer", "text": "Hi"}\n{"speaker": "A", "te\n',
  );
  assert.throws(
    () => loadInterviewAgents({ files: [join(dir, "broken.jsonl")], seed: 1 }),
    userError(/broken\.jsonl:2$/, /not a JSON object/),
  );
});

test("empty and unparseable transcripts are errors naming the file and line", () => {
  const dir = temp({
    "empty.txt": "  \n\n",
    "prose.txt": "Just some notes about the day.\nNothing else.\n",
    "header.txt": "Interview 12, May 2024\nInterviewer: Hello?\nBo: Hi.\nInterviewer: Bye.\nBo: Bye.\n",
    "monologue.txt": "Interviewer: Hello?\nInterviewer: Anyone?\n",
    "qa.txt": "Q: Hello?\nA: Hi.\nQ: Bye.\nA: Bye.\n",
  });
  const load = (name: string, interviewer?: string) => () =>
    loadInterviewAgents({ files: [join(dir, name)], seed: 1, interviewer });
  assert.throws(load("empty.txt"), userError(/empty\.txt$/, /the transcript is empty/));
  assert.throws(load("prose.txt"), userError(/prose\.txt:1$/, /text before the first "Speaker: text" turn/));
  assert.throws(load("header.txt"), userError(/header\.txt:1$/, /text before the first/));
  assert.throws(
    load("monologue.txt"),
    userError(/monologue\.txt$/, /only the interviewer "Interviewer" speaks/),
  );
  assert.throws(
    load("qa.txt"),
    userError(/qa\.txt$/, /no turn by the interviewer "Interviewer" \(speakers: Q, A\)/),
  );
  assert.equal(
    loadInterviewAgents({ files: [join(dir, "qa.txt")], seed: 1, interviewer: "q" })[0].interview!.exchanges
      .length,
    2,
  );
  const nodes = (text: string) => {
    writeFileSync(join(dir, "nodes.json"), text);
    return () => loadInterviewAgents({ files: [join(dir, "nodes.json")], seed: 1 });
  };
  assert.throws(
    nodes('[\n  {"content": "Interviewer: hi"},\n  {"content": 3}\n]'),
    userError(/nodes\.json:3$/, /node \[1\] has no "content" text/),
  );
  assert.throws(
    nodes('[\n  {"content": "Interviewer: hi"\n  {"content": "x"}\n]'),
    userError(/nodes\.json:3$/, /not valid JSON/),
  );
  assert.throws(nodes('{"nodes": []}'), userError(/nodes\.json$/, /a JSON array of nodes/));
});

test("the genagents sample: 115 exchanges from 116 nodes, demographics from scratch.json without surname or street", () => {
  const [joon] = loadInterviewAgents({ files: [join(sample, "nodes.json")], seed: 1 });
  const t = joon.interview!;
  assert.equal(joon.id, "genagents-interview-sample", "named after its folder");
  assert.equal(t.format, "genagents");
  assert.equal(t.exchanges.length, 115);
  assert.equal(t.emptyTurns, 1, "node 0 is an empty opener");
  assert.equal(t.respondent, "Joon");
  // Every exchange is one node, located at it: the interviewer, then Joon's answer, except three
  // nodes where the interviewer only acknowledges an answer ("Thanks for confirming that.").
  assert.ok(
    t.exchanges.every((e) => e[0].speaker === "Interviewer" && e.slice(1).every((x) => x.speaker === "Joon")),
  );
  assert.deepEqual(
    t.exchanges.map((e, i) => [i, e.length]).filter(([, n]) => n !== 2),
    [
      [52, 1],
      [60, 1],
      [70, 1],
    ],
  );
  const lines = readFileSync(join(sample, "nodes.json"), "utf8").split("\n");
  assert.match(lines[t.exchanges[0][0].line - 1], /^\s*\{/);
  assert.match(t.exchanges[0][1].text, /^Right\. So I was born in Korea\./);
  // 12,901 words with the speaker labels, as PROVENANCE.txt counts them; 230 labels.
  assert.equal(t.words + 2 * 115, 12_903);
  assert.equal(t.demographics, join(sample, "scratch.json"));
  assert.equal(joon.attributes.first_name, "Joon");
  assert.equal(joon.attributes.political_views, "Slightly liberal");
  assert.equal(joon.attributes.last_name, undefined);
  assert.equal(joon.attributes.street_address, undefined);
  assert.deepEqual(
    t.redactions.map((r) => r.kind),
    ["name", "address"],
  );
  // The folder as a dir source finds the same person and skips scratch.json.
  const [again] = loadInterviewAgents({ dir: sample, seed: 1 });
  assert.deepEqual(again, joon);
});

test("conditioning: interview first and alone, the ablation a seeded in-order share, demographic far shorter", () => {
  const people = loadInterviewAgents({ files: [join(sample, "nodes.json")], seed: 1 });
  const [full] = withConditioning(people, { mode: "interview" });
  const [fifth] = withConditioning(people, { mode: "interview", keep: 0.2, seed: 1 });
  const [other] = withConditioning(people, { mode: "interview", keep: 0.2, seed: 2 });
  const [demographic] = withConditioning(people, { mode: "demographic" });
  const text = profileText(full);
  assert.match(text, /^Below is the transcript of an interview with me\. I am "Joon"/);
  assert.ok(text.includes("Interviewer: To start, I would like to begin with a big question"));
  assert.ok(!text.includes("My name is Joon."), "interview conditioning carries the transcript only");
  const kept = keptExchanges(115, full.id, { keep: 0.2, seed: 1 });
  assert.equal(kept.length, 23);
  assert.deepEqual(
    kept,
    [...kept].sort((a, b) => a - b),
    "in interview order",
  );
  assert.deepEqual(keptExchanges(115, full.id, { keep: 0.2, seed: 1 }), kept, "seeded");
  assert.notDeepEqual(keptExchanges(115, full.id, { keep: 0.2, seed: 2 }), kept);
  assert.match(profileText(fifth), /^Below are excerpts from an interview with me \(23 of its 115 exchanges/);
  assert.notEqual(profileText(fifth), profileText(other));
  const ratio = profileText(fifth).length / text.length;
  assert.ok(ratio > 0.12 && ratio < 0.3, `the 20% ablation is ${ratio.toFixed(3)} of the interview`);
  assert.ok(profileText(demographic).length < text.length / 40);
  assert.match(profileText(demographic), /^My name is Joon\. I am a 30-year-old man\./);
  // A person without what the mode needs is refused, by name.
  const dir = temp({ "bo.txt": "Interviewer: Hi?\nBo: Hi.\n" });
  const bo = loadInterviewAgents({ files: [join(dir, "bo.txt")], seed: 1 });
  assert.throws(
    () => withConditioning(bo, { mode: "demographic" }),
    userError(
      /^conditioning$/,
      /person "bo" has no demographic attributes \(give the interviews a demographics CSV/,
    ),
  );
});

test("a folder of mixed formats with a demographics CSV by person id; ids from file names; duplicates refused", () => {
  const dir = temp({
    "t/p1.txt": "Interviewer: Hi?\nP One: Hello, reach me at p1@example.com.\n",
    "t/p2.jsonl": '{"speaker":"Interviewer","text":"Hi?"}\n{"speaker":"Pat","text":"Hello."}\n',
    "t/p3/memory_stream/nodes.json": JSON.stringify([
      { node_type: "observation", content: "Interviewer: Hi?\n\nQuinn: Yo." },
    ]),
    "t/notes.csv": "not a transcript",
    "people.csv": "person_id,age,sex,last_name\np1,41,Female,One\np2,29,Male,Lee\nzz,50,Male,X\n",
  });
  const agents = loadInterviewAgents({
    dir: join(dir, "t"),
    seed: 1,
    demographics: { file: join(dir, "people.csv"), idColumn: "person_id" },
  });
  assert.deepEqual(
    agents.map((a) => [a.id, a.interview!.format, a.attributes.age ?? null]),
    [
      ["p1", "text", "41"],
      ["p2", "jsonl", "29"],
      ["p3", "genagents", null],
    ],
  );
  assert.equal(agents[0].attributes.last_name, undefined);
  assert.deepEqual(
    agents[0].interview!.redactions.map((r) => r.kind),
    ["email", "name"],
  );
  assert.match(agents[0].interview!.redactions[1].where, /people\.csv:2 \(last_name\)$/);
  assert.equal(loadInterviewAgents({ dir: join(dir, "t"), seed: 1, n: 2 }).length, 2);
  writeFileSync(join(dir, "t", "p1.md"), "Interviewer: Hi?\nX: Y.\n");
  assert.throws(
    () => loadInterviewAgents({ dir: join(dir, "t"), seed: 1 }),
    userError(/p1\.txt$/, /two transcripts for person "p1"/),
  );
  assert.throws(
    () => loadInterviewAgents({ dir: join(dir, "people.csv"), seed: 1 }),
    userError(/people\.csv$/, /not a folder/),
  );
});
