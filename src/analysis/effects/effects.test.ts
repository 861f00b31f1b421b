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

test("a 0/1 outcome on one side and a continuous one on the other is refused, or compared on d by request", () => {
  const rows = (study: string, treated: number[], control: number[]): ArmOutcome[] => [
    ...treated.map((outcome) => ({ study, arm: "treated" as const, outcome })),
    ...control.map((outcome) => ({ study, arm: "control" as const, outcome })),
  ];
  const human = rows("s", [1, 1, 0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 0, 0, 0]);
  // The simulator answered with probabilities: not 0/1.
  const sim = rows("s", [0.8, 0.7, 0.9, 0.6, 0.75, 0.8], [0.3, 0.4, 0.2, 0.35, 0.5, 0.3]);
  assert.throws(
    () => compareEffects(human, sim),
    (e: unknown) =>
      e instanceof UserError &&
      /study "s"/.test(e.message) &&
      /human outcomes are all 0\/1 but the simulated ones are not/.test(e.message) &&
      /--continuous/.test(e.message),
  );
  // Explicitly continuous: Cohen's d on both sides, the log odds ratio is not used.
  const res = compareEffects(human, sim, { continuous: true });
  const s = res.studies[0];
  assert.equal(s.human.binary, false);
  assert.equal(s.human.log_odds_ratio, undefined);
  assert.equal(s.human.d.estimate, s.human.cohens_d.estimate);
  assert.equal(s.sim?.d.estimate, s.sim?.cohens_d.estimate);
  assert.equal(res.scale, "cohens_d");
});

test("weighted effects: weighted means, Kish effective n; unit weights give the unweighted figures", () => {
  const t = [3, 5, 4, 6, 2, 5];
  const c = [2, 3, 1, 4, 2, 3];
  const plain = estimateEffect(t, c);
  const unit = estimateEffect(t, c, { weights: { treated: t.map(() => 1), control: c.map(() => 1) } });
  for (const k of ["difference", "cohens_d", "d"] as const) assert.deepEqual(unit[k], plain[k]);
  const wt = [1, 2, 1, 3, 1, 2];
  const wc = [2, 1, 1, 1, 3, 2];
  const e = estimateEffect(t, c, { weights: { treated: wt, control: wc } });
  const wmean = (x: number[], w: number[]) =>
    x.reduce((a, v, i) => a + v * w[i], 0) / w.reduce((a, v) => a + v);
  close(e.mean_treated, wmean(t, wt));
  close(e.difference.estimate, wmean(t, wt) - wmean(c, wc));
  const kish = (w: number[]) => w.reduce((a, v) => a + v) ** 2 / w.reduce((a, v) => a + v * v, 0);
  close(e.n_effective_treated, kish(wt));
  close(e.n_effective_control, kish(wc));
  // Reliability-weighted variance Σw(x − m)² / (Σw − Σw²/Σw), over the effective n.
  const wvar = (x: number[], w: number[]) => {
    const m = wmean(x, w);
    const sw = w.reduce((a, v) => a + v);
    const sw2 = w.reduce((a, v) => a + v * v, 0);
    return x.reduce((a, v, i) => a + w[i] * (v - m) ** 2, 0) / (sw - sw2 / sw);
  };
  close(e.difference.se, Math.sqrt(wvar(t, wt) / kish(wt) + wvar(c, wc) / kish(wc)));
});

test("effects by subgroup: per-group effects, Cochran's Q interaction test, agreement per group", () => {
  // Group a: a clear positive effect on both sides; group b: small and positive for humans, negative for the simulation.
  const rows = (side: number): ArmOutcome[] => {
    const out: ArmOutcome[] = [];
    for (let i = 0; i < 40; i++) {
      const noise = ((i * 37) % 11) / 11 - 0.5;
      out.push({ study: "s", arm: "treated", outcome: 2 + noise, group: "a" });
      out.push({ study: "s", arm: "control", outcome: 0 + noise * 0.8, group: "a" });
      out.push({ study: "s", arm: "treated", outcome: (side ? -1 : 0.4) + noise, group: "b" });
      out.push({ study: "s", arm: "control", outcome: 0 - noise * 0.6, group: "b" });
    }
    out.push({ study: "s", arm: "treated", outcome: 1 }); // no group: counted as missing
    return out;
  };
  const res = compareEffects(rows(0), rows(1), { by: "g" });
  const sg = res.studies[0].subgroups!;
  assert.deepEqual(
    sg.groups.map((g) => g.group),
    ["a", "b"],
  );
  assert.deepEqual(sg.missing, { human: 1, sim: 1 });
  const a = sg.groups[0];
  const byHand = estimateEffect(
    rows(0)
      .filter((r) => r.group === "a" && r.arm === "treated")
      .map((r) => r.outcome),
    rows(0)
      .filter((r) => r.group === "a" && r.arm === "control")
      .map((r) => r.outcome),
  );
  assert.deepEqual(a.human?.d, byHand.d);
  assert.equal(a.sign_agree, true);
  assert.equal(sg.groups[1].sign_agree, false);
  // Q by hand from the two groups' differences in means.
  const parts = sg.groups.map((g) => ({
    d: g.human!.difference.estimate!,
    w: 1 / g.human!.difference.se! ** 2,
  }));
  const pooled = (parts[0].d * parts[0].w + parts[1].d * parts[1].w) / (parts[0].w + parts[1].w);
  close(
    sg.interaction.human?.q,
    parts.reduce((s, p) => s + p.w * (p.d - pooled) ** 2, 0),
  );
  assert.equal(sg.interaction.human?.df, 1);
  assert.ok(sg.interaction.human!.p < 0.001 && sg.interaction.sim!.p < 0.001);
  assert.equal(sg.interaction_agree, true);
  assert.equal(res.summary.subgroup_sign_agreement, 0.5);
});
