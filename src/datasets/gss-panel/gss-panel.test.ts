import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { gssItems, readGssCodebook } from "../../instruments/gss/index.ts";
import { type GssRespondent, loadGssPanel } from "./index.ts";

const dataDir = resolveDataDir();

function pairs(people: GssRespondent[], item: string): [string, string][] {
  const out: [string, string][] = [];
  for (const p of people) {
    const a = p.waves["1"]?.[item];
    const b = p.waves["2"]?.[item];
    if (a !== undefined && b !== undefined) out.push([a, b]);
  }
  return out;
}

test("loads every respondent once, keyed by panel and id, waves 1-3", () => {
  const people = loadGssPanel(dataDir);
  const byPanel = new Map<string, number>();
  for (const p of people) byPanel.set(p.panel, (byPanel.get(p.panel) ?? 0) + 1);
  // 2006-2014 file: 2,000 + 2,023 + 2,044 first interviews; 2016-2020 file: GSS 2016 + GSS 2018.
  assert.deepEqual(Object.fromEntries(byPanel), { "2006": 2000, "2008": 2023, "2010": 2044, "2016": 5215 });
  assert.equal(new Set(people.map((p) => p.personId)).size, people.length);
  const first = people.find((p) => p.personId === "2006-0009");
  assert.ok(first, "2006-0009 exists");
  assert.deepEqual(Object.keys(first.waves).sort(), ["1", "2", "3"]);
  assert.equal(first.demographics.sex, first.waves["1"].sex);
  const third = people.filter((p) => p.waves["3"]).length;
  assert.equal(third, 3875);
});

test("2016-2020: first interview (1a or 1b) is wave 1, the 2020 re-interview wave 2", () => {
  const people = loadGssPanel(dataDir, { panels: ["2016"] });
  assert.equal(people.length, 5215);
  assert.ok(people.every((p) => p.panel === "2016" && p.personId.startsWith("2016-") && p.waves["1"]));
  assert.ok(people.every((p) => !p.waves["1a"] && !p.waves["1b"] && !p.waves["3"]));
  assert.equal(people.filter((p) => p.waves["2"]).length, 1819);
  const from2018 = people.filter((p) => p.personId.startsWith("2016-2018"));
  assert.equal(from2018.length, 2348);
  // Lower-case 2016-2020 labels come out in the same canonical spelling as the older panels.
  assert.ok(people.some((p) => p.demographics.polviews === "Slightly conservative"));
});

test("values are canonical option texts of the items", () => {
  const codebook = readGssCodebook(dataDir);
  for (const p of loadGssPanel(dataDir).slice(0, 3000)) {
    for (const answers of Object.values(p.waves)) {
      for (const [id, value] of Object.entries(answers)) {
        const q = codebook.variables.get(id)!.question!;
        if (q.type === "numeric") assert.match(value, /^\d+$/, `${p.personId} ${id}`);
        else assert.ok(q.options?.includes(value), `${p.personId} ${id}: ${value}`);
      }
    }
  }
});

test("retest sanity (PROVENANCE): cappun agreement 84% on n = 4,224; polviews r", (t) => {
  const older = loadGssPanel(dataDir, { panels: ["2006", "2008", "2010"] });
  const cappun = pairs(older, "cappun");
  const agreement = cappun.filter(([a, b]) => a === b).length / cappun.length;
  t.diagnostic(`cappun wave1-wave2 agreement ${(100 * agreement).toFixed(1)}% (n = ${cappun.length})`);
  assert.equal(cappun.length, 4224);
  assert.ok(Math.abs(agreement - 0.84) < 0.01, `${agreement}`);

  const scale = gssItems(dataDir, ["polviews"])[0].options!;
  const ordered = pairs(older, "polviews").map(([a, b]) => [scale.indexOf(a), scale.indexOf(b)]);
  const all = pearson(ordered);
  t.diagnostic(`polviews wave1-wave2 Pearson r ${all.r.toFixed(3)} (n = ${all.n}, every label mapped)`);
  assert.equal(all.n, 4421);
  assert.ok(Math.abs(all.r - 0.61) < 0.01, `${all.r}`);
  // PROVENANCE's r = 0.65 (n = 3,099) is what remains when the two abbreviated labels
  // ("Slghtly/Extrmly Conservative") are left unmapped, i.e. those people dropped.
  const abbreviated = new Set([
    scale.indexOf("Slightly conservative"),
    scale.indexOf("Extremely conservative"),
  ]);
  const provenance = pearson(ordered.filter(([a, b]) => !abbreviated.has(a) && !abbreviated.has(b)));
  t.diagnostic(`polviews r without the abbreviated labels ${provenance.r.toFixed(3)} (n = ${provenance.n})`);
  assert.equal(provenance.n, 3099);
  assert.ok(Math.abs(provenance.r - 0.65) < 0.01, `${provenance.r}`);
});

function pearson(xy: number[][]): { r: number; n: number } {
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of xy) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return { r: sxy / Math.sqrt(sxx * syy), n };
}

test("unknown panels and missing files are clear errors", () => {
  assert.throws(
    () => loadGssPanel(dataDir, { panels: ["1999" as "2006"] }),
    (e: unknown) =>
      e instanceof UserError && /unknown GSS panel "1999"/.test(e.message) && e.where === "panels[0]",
  );
  // A data directory with the codebook but without the 2016-2020 file.
  const dir = mkdtempSync(join(tmpdir(), "populace-panel-"));
  mkdirSync(join(dir, "gss-panel"));
  copyFileSync(
    join(dataDir, "gss-panel/gss_panel_codebook.csv"),
    join(dir, "gss-panel/gss_panel_codebook.csv"),
  );
  assert.throws(
    () => loadGssPanel(dir, { panels: ["2016"] }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.includes("gss-panel/gss_panel_2016_2020_long.csv") &&
      e.message.includes(dir),
  );
});
