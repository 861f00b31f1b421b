import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { readCsv, records, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { checkReportInBrowser } from "../../report/index.ts";
import { register } from "./compare.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-compare-cli-"));
/** Run the command in-process as the CLI would, capturing stdout; user errors come back as `error`. */
async function populace(...args: string[]) {
  const program = new Command("populace").exitOverride();
  register(program);
  let stdout = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    // The validation ledger goes to a database of this test, not ./populace.db.
    await program.parseAsync([...args, "--db", join(dir, "ledger.db")], { from: "user" });
    return { stdout, error: undefined };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { stdout, error };
  } finally {
    process.stdout.write = write;
  }
}

test("compare --json prints one JSON document with the contract's names", async () => {
  const sim = join(dir, "sim.csv");
  const human = join(dir, "human.csv");
  writeFileSync(sim, "person_id,item,answer\np1,q1,1\np1,q2,2\np2,q1,3\np2,q2,5\np3,q1,4\n");
  writeFileSync(human, "person_id,item,answer,grp\np1,q1,1,a\np1,q2,3,a\np2,q1,2,b\np2,q2,5,b\np3,q1,4,b\n");
  const out = await populace(
    "compare",
    "--sim",
    sim,
    "--human",
    human,
    "--type",
    "numeric",
    "--by",
    "grp",
    "--json",
  );
  assert.equal(out.error, undefined);
  const res = JSON.parse(out.stdout);
  assert.equal(res.overall.n_pairs, 5);
  assert.equal(res.overall.n_persons, 3);
  assert.equal(res.overall.n_items, 2);
  assert.equal(res.overall.mae, (0 + 1 + 1 + 0 + 0) / 5);
  assert.ok(Math.abs(res.overall.r_pooled - 0.9) < 1e-9);
  // q1 has 3 pairs (sim 1,3,4 vs human 1,2,4); q2 only 2, so r is its alone.
  assert.ok(Math.abs(res.overall.r - 0.9285714285714288) < 1e-9);
  assert.equal(res.items.q2.r, null);
  assert.equal(res.items.q1.w1, 1 / 3);
  assert.equal(res.subgroups.grp.groups.a.n_persons, 1);
  assert.equal(res.subgroups.grp.groups.a.mae, 0.5);
  assert.equal(res.subgroups.grp.groups.b.mae, 1 / 3);
});

test("compare reports user mistakes as UserErrors naming file and line or the flag", async () => {
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "person_id,item,answer\np1,q1,1\np1,q1,2\n");
  const out = await populace("compare", "--sim", bad, "--human", bad);
  assert.ok(out.error?.message.startsWith(`${bad}:3: duplicate`), out.error?.message);
  assert.equal(out.stdout, "");
  const good = join(dir, "good.csv");
  writeFileSync(good, "person_id,item,answer\np1,q1,1\n");
  const flag = await populace("compare", "--sim", good, "--human", good, "--bootstrap", "ten");
  assert.match(flag.error?.message ?? "", /--bootstrap must be a whole number/);
  const type = await populace("compare", "--sim", good, "--human", good, "--type", "ordinal");
  assert.match(type.error?.message ?? "", /--type must be categorical or numeric/);
});

test("GSS panel: compare with retest and --html renders a report Chromium draws without errors", async () => {
  // Wave 2 stands in for the simulation, wave 3 for the retest: real answers, real file sizes.
  const rows = records(readCsv(join(resolveDataDir(), "gss-panel/gss_panel_2006_2014_long.csv")));
  const items = ["cappun", "gunlaw", "grass", "fepol", "natspac"];
  const write = (wave: string, name: string) => {
    const lines = ["person_id,item,answer,sex,polviews"];
    for (const r of rows) {
      if (r.wave !== wave) continue;
      for (const item of items)
        lines.push(`${r.panel}-${r.firstid},${item},${r[item]},${r.sex},"${r.polviews}"`);
    }
    const path = join(dir, name);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  };
  const human = write("1", "w1.csv");
  const sim = write("2", "w2.csv");
  const retest = write("3", "w3.csv");
  const html = join(dir, "gss.html");
  const out = await populace(
    ...["compare", "--sim", sim, "--human", human, "--retest", retest, "--by", "sex,polviews"],
    ...["--bootstrap", "50", "--seed", "3", "--json", "--html", html],
  );
  assert.equal(out.error, undefined);
  const res = JSON.parse(out.stdout);
  assert.deepEqual(Object.keys(res.items).sort(), [...items].sort());
  // Agreement of the same people over two years is high but far from perfect.
  assert.ok(res.overall.accuracy > 0.6 && res.overall.accuracy < 0.9, String(res.overall.accuracy));
  assert.ok(
    res.overall.ci.accuracy[0] < res.overall.accuracy && res.overall.accuracy < res.overall.ci.accuracy[1],
  );
  assert.equal(typeof res.subgroups.sex.dpd, "number");
  // Subgroups in the codebook's order (liberal → conservative), whatever the file's spelling.
  assert.deepEqual(res.subgroups.polviews.order, [
    "Extremely Liberal",
    "Liberal",
    "Slightly Liberal",
    "Moderate",
    "Slghtly Conservative", // the file's own spellings, mapped by the codebook
    "Conservative",
    "Extrmly Conservative",
  ]);
  // Bootstrap intervals on every item's accuracy, every group's accuracy and the DPD.
  for (const [item, f] of Object.entries(res.items) as [
    string,
    { accuracy: number; ci: { accuracy: number[] } },
  ][]) {
    const [lo, hi] = f.ci.accuracy;
    assert.ok(lo <= f.accuracy && f.accuracy <= hi && hi - lo < 0.1, `${item}: ${lo} ${f.accuracy} ${hi}`);
  }
  for (const g of Object.values(res.subgroups.polviews.groups) as { accuracy: number; ci: number[] }[]) {
    assert.ok(g.ci[0] <= g.accuracy && g.accuracy <= g.ci[1]);
  }
  assert.ok(res.subgroups.polviews.dpd_ci[0] <= res.subgroups.polviews.dpd);
  const check = await checkReportInBrowser(html, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  // Per-item bars, 5 distributions, two subgroup plots.
  assert.equal(check.slots, 8);
  assert.equal(check.plots, 8);
  const page = readFileSync(html, "utf8");
  for (const term of ["JSD (Jensen–Shannon divergence)", "DPD (demographic parity difference)"]) {
    assert.ok(page.includes(term), term);
  }
  assert.ok(page.includes("pairs compared (person × item answered on both sides)"), "plain metric names");
  assert.ok(!page.includes(">n_pairs<"));
});
