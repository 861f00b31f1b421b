/**
 * GSS panel example: how often do the same people give the same answer two years later (the
 * test-retest ceiling), and how close does a demographic baseline come to it?
 *
 * Derives long CSVs from the GSS panels in the data directory into an output folder, then runs
 * `populace compare`. Wave 1 is "human", wave 2 the retest; the "simulated" answers come from a
 * statistical baseline (no language model): each person's answer is predicted as the most common
 * wave-1 answer among the *other* people of the same panel, ideology and sex.
 *
 *   node examples/fidelity/gss-panel.ts [OUT_DIR] [--db FILE]   (--db: add the comparisons to its validation ledger)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvLine, dataFile, readCsv, records, resolveDataDir } from "../../src/data/index.ts";
import { exampleArgs, ledgerFlags, populace } from "./common.ts";

const { out, db } = exampleArgs("gss-panel");
const data = resolveDataDir();

const ITEMS = [
  ...["abany", "abdefect", "abhlth", "abnomore", "abpoor", "abrape", "absingle"],
  ...["cappun", "gunlaw", "grass", "homosex", "premarsx", "xmarsex", "teensex", "pornlaw"],
  ...["fefam", "fepol", "spkath", "spkrac", "spkcom", "spkmil", "spkhomo", "courts", "letdie1", "suicide1"],
  ...[
    "trust",
    "fair",
    "helpful",
    "happy",
    "natspac",
    "natenvir",
    "natheal",
    "natcity",
    "natcrime",
    "natdrug",
  ],
  ...["nateduc", "natrace", "natarms", "nataid", "natfare", "confinan", "conbus", "conclerg", "coneduc"],
  ...["confed", "conpress", "conmedic", "conjudge", "consci", "conlegis", "conarmy", "postlife", "owngun"],
];

/** Case and spacing differ between the panel files; compare answers in one form. */
const norm = (s: string | undefined) => (s ?? "").trim().replace(/\s+/g, " ").toLowerCase();

/** The 2006-2014 labels abbreviate; map them to the 2016-2020 wording so groups pool. */
const POLVIEWS: Record<string, string> = {
  "extremely liberal": "extremely liberal",
  liberal: "liberal",
  "slightly liberal": "slightly liberal",
  moderate: "moderate",
  "moderate, middle of the road": "moderate",
  "slghtly conservative": "slightly conservative",
  "slightly conservative": "slightly conservative",
  conservative: "conservative",
  "extrmly conservative": "extremely conservative",
  "extremely conservative": "extremely conservative",
};
const POLVIEWS_SCALE = [
  "extremely liberal",
  "liberal",
  "slightly liberal",
  "moderate",
  "slightly conservative",
  "conservative",
  "extremely conservative",
];

interface Person {
  id: string;
  panel: string;
  wave1: Record<string, string>;
  wave2: Record<string, string>;
}

function panels(): Person[] {
  const persons: Person[] = [];
  const old = records(
    readCsv(dataFile(data, "gss-panel/gss_panel_2006_2014_long.csv", "GSS 2006-2014 panel")),
  );
  const byKey = new Map<string, Partial<Person>>();
  for (const r of old) {
    const key = `${r.panel}-${r.firstid}`;
    const p = byKey.get(key) ?? { id: `p${key}`, panel: r.panel };
    if (r.wave === "1") p.wave1 = r;
    if (r.wave === "2") p.wave2 = r;
    byKey.set(key, p);
  }
  const recent = records(
    readCsv(dataFile(data, "gss-panel/gss_panel_2016_2020_long.csv", "GSS 2016-2020 panel")),
  );
  for (const r of recent) {
    const key = `y${r.yearid}`;
    const p = byKey.get(key) ?? { id: key, panel: r.wave === "2" ? "" : r.year };
    if (r.wave === "1a" || r.wave === "1b") {
      p.wave1 = r;
      p.panel = r.year;
    }
    if (r.wave === "2") p.wave2 = r;
    byKey.set(key, p);
  }
  for (const p of byKey.values()) if (p.wave1 && p.wave2) persons.push(p as Person);
  return persons;
}

const persons = panels();
const attrs = (p: Person) => ({
  panel: p.panel,
  polviews: POLVIEWS[norm(p.wave1.polviews)] ?? "",
  sex: norm(p.wave1.sex),
});

// Leave-one-out modal answer within (panel, ideology, sex); the panel-wide mode as fallback.
const counts = new Map<string, Map<string, number>>();
const bump = (key: string, answer: string) => {
  const m = counts.get(key) ?? new Map<string, number>();
  m.set(answer, (m.get(answer) ?? 0) + 1);
  counts.set(key, m);
};
for (const p of persons) {
  const a = attrs(p);
  for (const item of ITEMS) {
    const v = norm(p.wave1[item]);
    if (v === "") continue;
    bump(`${a.panel}|${a.polviews}|${a.sex}|${item}`, v);
    bump(`${a.panel}|${item}`, v);
  }
}
function mode(key: string, own: string): string | undefined {
  const m = counts.get(key);
  if (!m) return undefined;
  let best: string | undefined;
  let bestN = 0;
  for (const [answer, n] of [...m].sort((x, y) => x[0].localeCompare(y[0]))) {
    const k = answer === own ? n - 1 : n;
    if (k > bestN) {
      best = answer;
      bestN = k;
    }
  }
  return best;
}

const header = ["person_id", "item", "answer", "panel", "polviews", "sex"];
const human = [csvLine(header)];
const retest = [csvLine(["person_id", "item", "answer"])];
const sim = [csvLine(["person_id", "item", "answer"])];
for (const p of persons) {
  const a = attrs(p);
  for (const item of ITEMS) {
    const own = norm(p.wave1[item]);
    human.push(csvLine([p.id, item, own, a.panel, a.polviews, a.sex]));
    retest.push(csvLine([p.id, item, norm(p.wave2[item])]));
    const guess = mode(`${a.panel}|${a.polviews}|${a.sex}|${item}`, own) ?? mode(`${a.panel}|${item}`, own);
    sim.push(csvLine([p.id, item, guess ?? ""]));
  }
}
const write = (name: string, lines: string[]) => {
  const path = join(out, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};
const humanCsv = write("gss-wave1.csv", human);
const retestCsv = write("gss-wave2.csv", retest);
const simCsv = write("gss-baseline.csv", sim);

// Ideology as a 7-point number, wave 1 vs. wave 2 (PROVENANCE sanity figure: r = 0.65).
const ideology = (wave: "wave1" | "wave2") => [
  csvLine(["person_id", "item", "answer"]),
  ...persons.map((p) => {
    const i = POLVIEWS_SCALE.indexOf(POLVIEWS[norm(p[wave].polviews)] ?? "");
    return csvLine([p.id, `polviews-${p.id.startsWith("y") ? "2016" : "2006"}`, i >= 0 ? i + 1 : ""]);
  }),
];
const ideo1 = write("polviews-wave1.csv", ideology("wave1"));
const ideo2 = write("polviews-wave2.csv", ideology("wave2"));

const ledger = (study: string, domain: string, model: string, conditioning: string) =>
  ledgerFlags(db, study, domain, model, conditioning);

const html = join(out, "gss-fidelity.html");
const res = populace([
  ...["compare", "--sim", simCsv, "--human", humanCsv, "--retest", retestCsv],
  ...["--by", "polviews,sex", "--bootstrap", "200", "--seed", "1", "--json", "--html", html],
  ...["--title", "GSS panel: demographic baseline vs. test-retest ceiling"],
  ...ledger(
    "gss-panel: modal answer of people alike",
    "gss-attitudes",
    "baseline:modal(panel,polviews,sex)",
    "demographic",
  ),
]);
const ceiling = populace([
  ...["compare", "--sim", retestCsv, "--human", humanCsv, "--by", "polviews", "--json", "--no-ledger"],
]);
const ideo = populace([
  "compare",
  "--sim",
  ideo2,
  "--human",
  ideo1,
  "--type",
  "numeric",
  "--json",
  "--no-ledger",
]);

type Obj = Record<string, unknown> & { [k: string]: Obj };
const o = res.overall as Obj;
const items = res.items as Record<string, Record<string, number | null>>;
const f = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : String(v));
const ci = (k: string) => {
  const c = (o.ci as unknown as Record<string, [number, number]>)[k];
  return `[${f(c[0])}, ${f(c[1])}]`;
};
const byCeiling = Object.entries(items).sort(
  (a, b) => (b[1].retest_accuracy ?? 0) - (a[1].retest_accuracy ?? 0),
);
const lines = [
  `GSS panels 2006-2014 and 2016-2020: ${persons.length} people in both waves, ${ITEMS.length} items`,
  `pairs ${o.n_pairs}, persons ${o.n_persons}, items ${o.n_items}`,
  `test-retest agreement (wave 2 vs wave 1), all pairs: ${f((ceiling.overall as Obj).accuracy)}`,
  `baseline accuracy ${f(o.accuracy)} ${ci("accuracy")}; on three-wave pairs ${f(o.accuracy_on_retest_pairs)}; ` +
    `retest ceiling there ${f(o.retest_accuracy)}`,
  `normalized accuracy ${f(o.normalized_accuracy)} ${ci("normalized_accuracy")}; pooled ${f(o.normalized_accuracy_pooled)} ${ci("normalized_accuracy_pooled")}`,
  `DPD by ideology: baseline ${f((res.subgroups as Obj).polviews.dpd)}, retest ${f((ceiling.subgroups as Obj).polviews.dpd)}`,
  `cappun test-retest agreement: ${f((ceiling.items as Obj).cappun.accuracy)} (n ${(ceiling.items as Obj).cappun.n})`,
  `ideology (7-point) wave 1 vs 2: r per panel file ${f((ideo.items as Obj)["polviews-2006"].r)} (2006-2014, n ${(ideo.items as Obj)["polviews-2006"].n}), ` +
    `${f((ideo.items as Obj)["polviews-2016"].r)} (2016-2020, n ${(ideo.items as Obj)["polviews-2016"].n})`,
  "highest retest ceilings: " +
    byCeiling
      .slice(0, 5)
      .map(([k, v]) => `${k} ${f(v.retest_accuracy)}`)
      .join(", "),
  "lowest retest ceilings: " +
    byCeiling
      .slice(-5)
      .map(([k, v]) => `${k} ${f(v.retest_accuracy)}`)
      .join(", "),
  `report: ${html}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
