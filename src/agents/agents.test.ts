import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import {
  type Agent,
  loadAgentBank,
  loadCsvAgents,
  loadGssPanelAgents,
  personaAgents,
  profileText,
} from "./index.ts";

const dataDir = resolveDataDir();

function tempCsv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "populace-agents-")), "people.csv");
  writeFileSync(path, text);
  return path;
}

function userError(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  };
}

test("agent bank: all 3,505 personas, without surnames or street addresses", () => {
  const all = loadAgentBank(dataDir, { seed: 1 });
  assert.equal(all.length, 3505);
  assert.equal(new Set(all.map((a) => a.id)).size, 3505);
  for (const a of all) {
    assert.equal(a.source, "agent-bank");
    assert.equal(a.attributes.street_address, undefined);
    assert.equal(a.attributes.last_name, undefined);
  }
  const first = all[0];
  assert.equal(first.id, "0023952f-142e-434b-82e2-7a7451b7c55f");
  assert.equal(first.attributes.first_name, "Ethan");
  assert.equal(first.attributes.age, "25");
  assert.equal(first.attributes.political_views, "Slightly liberal");
});

test("agent bank: seeded sampling without replacement, deterministic, nested across n", () => {
  const a = loadAgentBank(dataDir, { n: 50, seed: "study-1" });
  const b = loadAgentBank(dataDir, { n: 50, seed: "study-1" });
  const c = loadAgentBank(dataDir, { n: 50, seed: "study-2" });
  assert.deepEqual(
    a.map((x) => x.id),
    b.map((x) => x.id),
  );
  assert.equal(new Set(a.map((x) => x.id)).size, 50);
  assert.notDeepEqual(
    a.map((x) => x.id),
    c.map((x) => x.id),
  );
  const bigger = new Set(loadAgentBank(dataDir, { n: 80, seed: "study-1" }).map((x) => x.id));
  assert.ok(
    a.every((x) => bigger.has(x.id)),
    "the n = 50 sample is inside the n = 80 sample",
  );
});

test("agent bank: filters ignore case and punctuation; impossible requests are errors", () => {
  const women = loadAgentBank(dataDir, {
    seed: 3,
    filter: { sex: ["female"], political_views: ["liberal", "Extremely Liberal"] },
  });
  assert.ok(women.length > 100);
  for (const a of women) {
    assert.equal(a.attributes.sex, "Female");
    assert.ok(["Liberal", "Extremely liberal"].includes(a.attributes.political_views));
  }
  assert.throws(
    () => loadAgentBank(dataDir, { n: 4000, seed: 1 }),
    userError(/asked for 4000 agents but only 3505/),
  );
  assert.throws(
    () => loadAgentBank(dataDir, { seed: 1, filter: { shoe_size: ["9"] } }),
    userError(/no attribute "shoe_size"/),
  );
  assert.throws(() => loadAgentBank(dataDir, { n: 0, seed: 1 }), userError(/positive whole number/));
});

test("csv agents: chosen columns, where filter, seeded n", () => {
  const path = tempCsv("pid,age,sex,state\np1,34,Female,OH\np2,61,Male,TX\np3,25,female,CA\np4,47,Male,OH\n");
  const all = loadCsvAgents(path, { idColumn: "pid", seed: 1 });
  assert.deepEqual(
    all.map((a) => a.id),
    ["p1", "p2", "p3", "p4"],
  );
  assert.deepEqual(all[0], {
    id: "p1",
    source: "csv",
    attributes: { age: "34", sex: "Female", state: "OH" },
  });
  const women = loadCsvAgents(path, {
    idColumn: "pid",
    seed: 1,
    columns: ["age"],
    where: { sex: ["Female"] },
  });
  assert.deepEqual(
    women.map((a) => [a.id, a.attributes]),
    [
      ["p1", { age: "34" }],
      ["p3", { age: "25" }],
    ],
  );
  const two = loadCsvAgents(path, { idColumn: "pid", seed: 9, n: 2 });
  assert.equal(two.length, 2);
  assert.deepEqual(two, loadCsvAgents(path, { idColumn: "pid", seed: 9, n: 2 }));
});

test("csv agents: errors name the file, line and column", () => {
  const dup = tempCsv("pid,age\np1,34\np2,50\np1,61\n");
  assert.throws(
    () => loadCsvAgents(dup, { idColumn: "pid", seed: 1 }),
    userError(
      new RegExp(
        `${dup.replaceAll(".", "\\.")}:4:1: duplicate id "p1" in column "pid" \\(first on line 2\\)`,
      ),
    ),
  );
  const empty = tempCsv("age,pid\n34,\n");
  assert.throws(
    () => loadCsvAgents(empty, { idColumn: "pid", seed: 1 }),
    userError(/people\.csv:2:2: empty id/),
  );
  const ok = tempCsv("pid,age\np1,34\n");
  assert.throws(
    () => loadCsvAgents(ok, { idColumn: "id", seed: 1 }),
    userError(/no column "id" \(columns: pid, age\)/),
  );
  assert.throws(
    () => loadCsvAgents(ok, { idColumn: "pid", seed: 1, columns: ["sex"] }),
    userError(/no column "sex"/),
  );
  assert.throws(
    () => loadCsvAgents(ok, { idColumn: "pid", seed: 1, n: 2 }),
    userError(/asked for 2 agents but only 1/),
  );
  const ragged = tempCsv("pid,age\np1,34,extra\n");
  assert.throws(
    () => loadCsvAgents(ragged, { idColumn: "pid", seed: 1 }),
    userError(/people\.csv:2: expected 2 fields/),
  );
});

test("persona agents: ids, text kept, errors for empty text and duplicate ids", () => {
  const agents = personaAgents([{ text: "  I am a nurse in Ohio.  " }, { id: "p-x", text: "I farm." }]);
  assert.deepEqual(agents, [
    { id: "persona-1", source: "persona", attributes: {}, persona: "I am a nurse in Ohio." },
    { id: "p-x", source: "persona", attributes: {}, persona: "I farm." },
  ]);
  assert.throws(
    () => personaAgents([{ text: "a" }, { text: " " }]),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.where, "personas[1].text");
      return true;
    },
  );
  assert.throws(
    () =>
      personaAgents([
        { id: "a", text: "x" },
        { id: "a", text: "y" },
      ]),
    userError(/duplicate persona id "a"/),
  );
});

test("gss panel agents: wave-1 demographics of real respondents", () => {
  const agents = loadGssPanelAgents(dataDir, {
    n: 20,
    seed: 5,
    reinterviewed: true,
    filter: { sex: ["Female"] },
  });
  assert.equal(agents.length, 20);
  for (const a of agents) {
    assert.equal(a.source, "gss-panel");
    assert.match(a.id, /^(2006|2008|2010|2016)-\d+$/);
    assert.equal(a.attributes.sex, "Female");
  }
  assert.throws(
    () => loadGssPanelAgents(dataDir, { seed: 1, filter: { shoe: ["9"] } }),
    userError(/not a GSS panel demographic/),
  );
});

test("profile: the brief's example, in readable first-person sentences", () => {
  const agent: Agent = {
    id: "x",
    source: "csv",
    attributes: {
      age: "47",
      sex: "Male",
      region: "New England",
      marital: "Married",
      degree: "Bachelor",
      polviews: "Moderate",
    },
  };
  assert.equal(
    profileText(agent),
    "I am a 47-year-old man. I live in New England. I am married. My highest degree is a bachelor's degree. " +
      "Politically, I consider myself moderate, middle of the road.",
  );
});

test("profile: GSS abbreviations and lower-case labels read the same", () => {
  const older: Agent = {
    id: "a",
    source: "gss-panel",
    attributes: {
      polviews: "Slghtly Conservative",
      partyid: "Ind,near Rep",
      attend: "Nrly Every Week",
      region: "E. Nor. Central",
    },
  };
  const newer: Agent = {
    id: "b",
    source: "gss-panel",
    attributes: {
      polviews: "slightly conservative",
      partyid: "independent, close to republican",
      attend: "nearly every week",
      region: "east north central",
    },
  };
  const text = profileText(older);
  assert.equal(text, profileText(newer));
  assert.match(text, /Politically, I consider myself slightly conservative\./);
  assert.match(text, /I am an independent who leans toward the Republicans\./);
  assert.match(text, /I attend religious services nearly every week\./);
  assert.match(text, /I live in the East North Central region of the United States\./);
  assert.doesNotMatch(text, /Slghtly|Nrly|Ind,near/);
  const extreme = profileText({
    id: "c",
    source: "csv",
    attributes: { political_views: "Extrmly Conservative", age: "81", gender: "female" },
  });
  assert.equal(extreme, "I am an 81-year-old woman. Politically, I consider myself extremely conservative.");
});

test("profile: agent bank persona has no street address; unknown attributes are generic and sorted", () => {
  const [agent] = loadAgentBank(dataDir, { seed: 1 });
  const text = profileText(agent);
  assert.ok(text.startsWith("My name is Ethan. I am a 25-year-old man."), text);
  assert.doesNotMatch(text, /Elmwood|Robinson/);
  assert.match(text, /I am an independent who leans toward the Democrats\./);
  assert.doesNotMatch(text, /My [a-z_ ]+: /, "every agent-bank field has a sentence");
  const odd = profileText({
    id: "z",
    source: "csv",
    attributes: { zodiac_sign: "Leo", favorite_food: "soup", polviews: "very left" },
  });
  assert.equal(odd, "My favorite food: soup. My political views: very left. My zodiac sign: Leo.");
});

test("profile: persona text as written, then attributes; deterministic regardless of key order", () => {
  const persona = personaAgents([{ text: "I teach chemistry." }])[0];
  assert.equal(profileText(persona), "I teach chemistry.");
  const withAttrs: Agent = { ...persona, attributes: { sex: "Female", age: "39" } };
  assert.equal(profileText(withAttrs), "I teach chemistry.\n\nI am a 39-year-old woman.");
  const reordered: Agent = { ...persona, attributes: { age: "39", sex: "Female" } };
  assert.equal(profileText(reordered), profileText(withAttrs));
  for (const a of loadAgentBank(dataDir, { n: 200, seed: 11 }))
    assert.equal(profileText(a), profileText(structuredClone(a)));
});
