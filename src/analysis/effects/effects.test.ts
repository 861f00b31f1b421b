import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readCsv, records, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { checkReportInBrowser, renderReport } from "../../report/index.ts";
import { type ArmOutcome, compareEffects, effectsReport, estimateEffect, readArmOutcomes } from "./index.ts";

const close = (a: number | null | undefined, b: number, tol = 1e-9) =>
  assert.ok(typeof a === "number" && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

test("continuous effect: Welch interval and Cohen's d by hand", () => {
  const e = estimateEffect([1, 2, 3], [0, 1, 2]);
  assert.equal(e.binary, false);
  close(e.difference.estimate, 1);
  close(e.difference.se, Math.sqrt(2 / 3));
  // Welch df = 4 here; t(0.975, 4) = 2.7764451051977987.
  close(e.difference.lower, 1 - 2.7764451051977987 * Math.sqrt(2 / 3), 1e-7);
  close(e.cohens_d.estimate, 1);
  close(e.cohens_d.se, Math.sqrt(6 / 9 + 1 / 12));
  assert.equal(e.log_odds_ratio, undefined);
});

test("binary effect: risk difference, log odds ratio and its d conversion by hand", () => {
  const e = estimateEffect([1, 1, 1, 0], [1, 0, 0, 0]);
  assert.equal(e.binary, true);
  close(e.risk_difference?.estimate, 0.5);
  close(e.risk_difference?.se, Math.sqrt(0.1875 / 4 + 0.1875 / 4));
  close(e.log_odds_ratio?.estimate, Math.log(9));
  close(e.log_odds_ratio?.se, Math.sqrt(1 / 3 + 1 + 1 + 1 / 3));
  close(e.d.estimate, (Math.log(9) * Math.sqrt(3)) / Math.PI);
  // An empty cell: 0.5 is added to every cell.
  const z = estimateEffect([1, 1], [0, 0]);
  close(z.log_odds_ratio?.estimate, Math.log((2.5 * 2.5) / (0.5 * 0.5)));
  assert.throws(() => estimateEffect([1], [0, 1]), UserError);
  assert.throws(() => estimateEffect([1, 2], [0, 1], { binary: true }), /must be 0 or 1/);
});

test("across studies: sign, significance agreement and correlation of effect sizes", () => {
  const rows = (study: string, t: number[], c: number[]): ArmOutcome[] => [
    ...t.map((outcome) => ({ study, arm: "treated" as const, outcome })),
    ...c.map((outcome) => ({ study, arm: "control" as const, outcome })),
  ];
  const human = [
    ...rows("a", [5, 6, 7, 6, 5, 7], [1, 2, 1, 2, 1, 2]),
    ...rows("b", [1, 2, 3, 2], [1, 2, 3, 3]),
    ...rows("c", [1, 2, 1, 2], [3, 4, 3, 4]),
  ];
  const sim = [
    ...rows("a", [3, 4, 3, 4], [1, 2, 1, 2]),
    ...rows("b", [1, 2, 3, 2], [2, 3, 2, 3]),
    ...rows("c", [4, 5, 4, 5], [3, 4, 3, 4]),
  ];
  const res = compareEffects(human, sim);
  const by = Object.fromEntries(res.studies.map((s) => [s.study, s]));
  assert.equal(by.a.sign_agree, true);
  assert.equal(by.a.significance_agree, true);
  assert.equal(by.b.sign_agree, true); // both negative, both not significant
  assert.equal(by.b.significance_agree, true);
  assert.equal(by.c.sign_agree, false);
  assert.equal(by.c.significance_agree, false);
  close(res.summary.sign_agreement, 2 / 3);
  const hd = res.studies.map((s) => s.human.d.estimate!);
  const sd = res.studies.map((s) => s.sim!.d.estimate!);
  const m = (x: number[]) => x.reduce((p, q) => p + q) / x.length;
  const cov = hd.reduce((p, x, i) => p + (x - m(hd)) * (sd[i] - m(sd)), 0);
  const r =
    cov /
    Math.sqrt(hd.reduce((p, x) => p + (x - m(hd)) ** 2, 0) * sd.reduce((p, y) => p + (y - m(sd)) ** 2, 0));
  close(res.summary.r_effect_sizes, r);
  close(by.a.d_difference?.estimate, sd[0] - hd[0]);
});

test("Many Labs 2 framing (Tversky) and less-is-better (Hsee): WEIRD vs. non-WEIRD samples", async () => {
  const data = resolveDataDir();
  const dir = mkdtempSync(join(tmpdir(), "populace-effects-"));
  const lines: Record<string, string[]> = {};
  const add = (file: string, line: string) => {
    lines[file] ??= ["study,arm,outcome"];
    lines[file].push(line);
  };
  // Hand counts for the WEIRD framing 2x2 table, computed independently of the module.
  const cell = { Cheap: { Yes: 0, No: 0 }, Expensive: { Yes: 0, No: 0 } } as Record<
    string,
    Record<string, number>
  >;
  for (const r of records(readCsv(join(data, "manylabs2-classic-effects/data/Tversky_1.csv")))) {
    if (!(r.variable === "Yes" || r.variable === "No")) continue;
    add(`framing-${r.Weird}`, `framing,${r.factor === "Cheap" ? "treatment" : "control"},${r.variable}`);
    if (r.Weird === "1") cell[r.factor][r.variable]++;
  }
  const hsee = { Scarf: [] as number[], Coat: [] as number[] };
  for (const r of records(readCsv(join(data, "manylabs2-classic-effects/data/Hsee_1.csv")))) {
    if (r.variable === "") continue;
    add(
      `rating-${r.Weird}`,
      `less-is-better,${r.factor === "Scarf" ? "treatment" : "control"},${r.variable}`,
    );
    if (r.Weird === "1") hsee[r.factor as "Scarf" | "Coat"].push(Number(r.variable));
  }
  const path = (name: string) => {
    const p = join(dir, `${name}.csv`);
    writeFileSync(p, `${lines[name].join("\n")}\n`);
    return p;
  };
  const cols = { outcome: "outcome", arm: "arm", treated: "treatment", control: "control", study: "study" };
  // Text outcomes need --positive.
  assert.throws(
    () => readArmOutcomes(path("framing-1"), cols),
    (e: unknown) =>
      e instanceof UserError && /framing-1\.csv:2, column outcome: outcome "(Yes|No)"/.test(e.message),
  );
  const side = (w: string) => [
    ...readArmOutcomes(path(`framing-${w}`), { ...cols, positive: "Yes" }),
    ...readArmOutcomes(path(`rating-${w}`), cols),
  ];
  const res = compareEffects(side("1"), side("0"), { labels: { human: "WEIRD", sim: "non-WEIRD" } });
  const f = res.studies.find((s) => s.study === "framing")!;
  const lor = Math.log((cell.Cheap.Yes * cell.Expensive.No) / (cell.Cheap.No * cell.Expensive.Yes));
  close(f.human.log_odds_ratio?.estimate, lor, 1e-12);
  assert.equal(
    f.human.n_treated + f.human.n_control,
    cell.Cheap.Yes + cell.Cheap.No + cell.Expensive.Yes + cell.Expensive.No,
  );
  // The classic framing effect replicates in both kinds of sample (ML2: it did).
  assert.ok(f.human.d.estimate! > 0 && f.human.d.p! < 0.001);
  assert.ok(f.sim!.d.estimate! > 0);
  const h = res.studies.find((s) => s.study === "less-is-better")!;
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  close(h.human.difference.estimate, mean(hsee.Scarf) - mean(hsee.Coat), 1e-12);
  assert.equal(h.human.n_treated, hsee.Scarf.length);

  const html = join(dir, "effects.html");
  writeFileSync(html, renderReport(effectsReport(res)));
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  assert.equal(check.plots, 2);
});
