import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readCsv, records, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { type AnswerRow, compareFidelity, jensenShannon, totalVariation, wasserstein1 } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-fidelity-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// Independent references (textbook forms, not the module's code paths).
function kl(p: number[], q: number[]): number {
  return p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log2(pi / q[i]) : s), 0);
}
function jsdRef(p: number[], q: number[]): number {
  const m = p.map((pi, i) => (pi + q[i]) / 2);
  return kl(p, m) / 2 + kl(q, m) / 2;
}
function r(x: number[], y: number[]): number {
  const n = x.length;
  const sx = x.reduce((a, b) => a + b, 0);
  const sy = y.reduce((a, b) => a + b, 0);
  const sxy = x.reduce((a, xi, i) => a + xi * y[i], 0);
  const sxx = x.reduce((a, xi) => a + xi * xi, 0);
  const syy = y.reduce((a, yi) => a + yi * yi, 0);
  return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}
const close = (a: unknown, b: number, tol = 1e-12) =>
  assert.ok(typeof a === "number" && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

const sim = file("sim.csv", "person_id,item,answer\np1,q1,A\np1,q2, B \np2,q1,A\np2,q2,A\np3,q1,B\np3,q2,\n");
const human = file(
  "human.csv",
  "person_id,item,answer,sex\np1,q1,A,F\np1,q2,A,\np2,q1,A,M\np2,q2,A,M\np3,q1,A,F\np3,q2,B,F\np4,q1,B,M\n",
);
const retest = file("retest.csv", "person_id,item,answer\np1,q1,A\np1,q2,A\np2,q1,B\np2,q2,A\np3,q1,B\n");

test("categorical compare matches hand-computed accuracy, retest normalization, JSD/TV and DPD", () => {
  const res = compareFidelity({ sim, human, retest }, { by: ["sex"], minGroup: 1 });
  const o = res.overall;
  assert.equal(o.n_pairs, 5);
  assert.equal(o.n_persons, 3);
  assert.equal(o.n_items, 2);
  close(o.accuracy, 3 / 5);
  // Persons: p1 a=1/2 t=2/2, p2 a=2/2 t=1/2, p3 t=0 (left out) → mean(0.5, 2).
  close(o.normalized_accuracy, 1.25);
  // Sim matches on the five three-file pairs: 3; retest matches: 3.
  close(o.normalized_accuracy_pooled, 1);
  close(o.retest_accuracy, 3 / 5);

  const q1 = res.items.q1;
  assert.equal(q1.n, 3);
  close(q1.accuracy, 2 / 3);
  // All non-empty rows: human q1 = A,A,A,B (p4 included); sim q1 = A,A,B.
  close(q1.jsd, jsdRef([3 / 4, 1 / 4], [2 / 3, 1 / 3]));
  close(q1.tv, 3 / 4 - 2 / 3);
  // Retest q1: p1 A=A, p2 B≠A, p3 B≠A.
  close(q1.retest_accuracy, 1 / 3);
  const q2 = res.items.q2;
  assert.equal(q2.n, 2);
  close(q2.accuracy, 1 / 2);
  // Human q2 = A,A,B; sim q2 = B,A (p3's empty answer skipped; " B " trimmed).
  close(q2.jsd, jsdRef([2 / 3, 1 / 3], [1 / 2, 1 / 2]));
  close(q2.tv, 1 / 6);

  const sex = res.subgroups.sex;
  assert.deepEqual(Object.keys(sex.groups), ["F", "M"]);
  assert.equal(sex.groups.F.n_persons, 2);
  close(sex.groups.F.accuracy, 1 / 3);
  assert.equal(sex.groups.M.n_persons, 1);
  close(sex.groups.M.accuracy, 1);
  close(sex.dpd, 2 / 3);
  // With the default --min-group 10 no group qualifies, so there is no DPD.
  assert.equal(compareFidelity({ sim, human }, { by: ["sex"] }).subgroups.sex.dpd, null);
});

test("numeric compare: MAE, pooled and per-item r, W1 and normalized r against hand values", () => {
  const s = file("nsim.csv", "person_id,item,answer\na,x,1\na,y,2\nb,x,2\nb,y,4\nc,x,3\nc,y,5\nd,x,5\n");
  const h = file("nhum.csv", "person_id,item,answer\na,x,1\na,y,1\nb,x,3\nb,y,3\nc,x,2\nc,y,5\nd,x,4\n");
  const t = file("nret.csv", "person_id,item,answer\na,x,1\na,y,2\nb,x,3\nb,y,3\nc,x,1\nc,y,4\nd,x,4\n");
  const res = compareFidelity({ sim: s, human: h, retest: t }, { type: "numeric" });
  const o = res.overall;
  assert.equal(o.n_pairs, 7);
  close(o.mae, 5 / 7);
  close(o.r_pooled, r([1, 2, 2, 4, 3, 5, 5], [1, 1, 3, 3, 2, 5, 4]), 1e-12);
  const rx = r([1, 2, 3, 5], [1, 3, 2, 4]);
  const ry = r([2, 4, 5], [1, 3, 5]);
  close(o.r, (rx + ry) / 2);
  close(res.items.x.r, rx);
  close(res.items.y.r, ry);
  // Equal-size samples: W1 is the mean absolute difference of the sorted values.
  close(res.items.x.w1, 0.25);
  close(res.items.y.w1, 2 / 3);
  const tx = r([1, 3, 1, 4], [1, 3, 2, 4]);
  const ty = r([2, 3, 4], [1, 3, 5]);
  close(o.normalized_r, (rx + ry) / 2 / ((tx + ty) / 2));
  close(res.items.x.retest_r, tx);
});

test("an item with fewer than three pairs or no variance has no r and is left out of the mean", () => {
  const rows = (vals: [string, string, number][]): AnswerRow[] =>
    vals.map(([p, i, a]) => ({ person_id: p, item: i, answer: a }));
  const res = compareFidelity(
    {
      sim: rows([
        ["a", "x", 1],
        ["b", "x", 2],
        ["c", "x", 3],
        ["a", "z", 1],
        ["b", "z", 2],
        ["a", "k", 4],
        ["b", "k", 4],
        ["c", "k", 4],
      ]),
      human: rows([
        ["a", "x", 2],
        ["b", "x", 1],
        ["c", "x", 3],
        ["a", "z", 1],
        ["b", "z", 2],
        ["a", "k", 1],
        ["b", "k", 2],
        ["c", "k", 3],
      ]),
    },
    { type: "numeric" },
  );
  assert.equal(res.items.z.r, null);
  assert.equal(res.items.k.r, null);
  close(res.overall.r, r([1, 2, 3], [2, 1, 3]));
  assert.equal(res.overall.n_items_r, 1);
});

test("wasserstein1 handles unequal sample sizes; JSD and TV bounds", () => {
  close(wasserstein1([0], [0, 1]), 0.5);
  close(wasserstein1([0, 0, 3], [1]), (1 + 1 + 2) / 3);
  close(jensenShannon(["a"], ["b"]), 1);
  close(totalVariation(["a"], ["b"]), 1);
  close(jensenShannon(["a", "b"], ["b", "a"]), 0);
});

test("bad input names file and line", () => {
  const dup = file("dup.csv", "person_id,item,answer\np1,q1,A\np2,q1,B\np1,q1,C\n");
  assert.throws(
    () => compareFidelity({ sim: dup, human }),
    (e: unknown) =>
      e instanceof UserError && e.message.startsWith(`${dup}:4:`) && /duplicate/.test(e.message),
  );
  const nan = file("nan.csv", "person_id,item,answer\np1,q1,3\np1,q2,three\n");
  assert.throws(
    () => compareFidelity({ sim: nan, human: nan }, { type: "numeric" }),
    (e: unknown) => e instanceof UserError && e.message.includes(`${nan}:3, column answer`),
  );
  const nocol = file("nocol.csv", "person,item,answer\np1,q1,3\n");
  assert.throws(
    () => compareFidelity({ sim: nocol, human }),
    (e: unknown) => e instanceof UserError && /missing column "person_id"/.test(e.message),
  );
  assert.throws(
    () => compareFidelity({ sim, human }, { by: ["age"] }),
    (e: unknown) => e instanceof UserError && /no person attribute "age"/.test(e.message),
  );
  assert.throws(
    () => compareFidelity({ sim: [{ person_id: "x", item: "q", answer: "A" }], human }),
    (e: unknown) => e instanceof UserError && /no \(person_id, item\) has an answer in both/.test(e.message),
  );
});

test("bootstrap CIs resample persons, are seeded, and bracket the estimate", () => {
  const a = compareFidelity({ sim, human, retest }, { bootstrap: { B: 300, seed: 7 } });
  const b = compareFidelity({ sim, human, retest }, { bootstrap: { B: 300, seed: 7 } });
  assert.deepEqual(a.overall.ci, b.overall.ci);
  const ci = a.overall.ci as Record<string, [number, number]>;
  assert.ok(ci.accuracy[0] <= 0.6 && 0.6 <= ci.accuracy[1]);
  // Three persons with 1 to 2 pairs: accuracy ranges from 0 to 1 across resamples.
  assert.ok(ci.accuracy[0] < 0.5 && ci.accuracy[1] > 0.7);
});

test("belief-action coherence compares the within-person correlation on the same people", () => {
  const hum: AnswerRow[] = [];
  const sm: AnswerRow[] = [];
  const belief = [1, 2, 3, 4, 5, 6];
  const humanAction = [1, 3, 2, 5, 4, 6];
  const simAction = [6, 5, 4, 3, 2, 1];
  belief.forEach((b, i) => {
    hum.push({ person_id: i, item: "b", answer: b }, { person_id: i, item: "a", answer: humanAction[i] });
    sm.push({ person_id: i, item: "b", answer: b }, { person_id: i, item: "a", answer: simAction[i] });
  });
  const res = compareFidelity(
    { sim: sm, human: hum },
    { type: "numeric", coherence: [{ belief: "b", action: "a" }] },
  );
  const c = res.coherence![0];
  assert.equal(c.n, 6);
  close(c.human_r, r(belief, humanAction));
  close(c.sim_r, -1);
});

test("GSS panel: cappun wave 1 vs wave 2 agreement is the documented 84% on 4,224 people", () => {
  const path = join(resolveDataDir(), "gss-panel/gss_panel_2006_2014_long.csv");
  const rows = records(readCsv(path));
  const wave = (w: string): AnswerRow[] =>
    rows
      .filter((x) => x.wave === w)
      .map((x) => ({ person_id: `${x.panel}-${x.firstid}`, item: "cappun", answer: x.cappun, sex: x.sex }));
  const res = compareFidelity({ sim: wave("2"), human: wave("1") }, { by: ["sex"], minGroup: 10 });
  assert.equal(res.overall.n_pairs, 4224);
  close(res.overall.accuracy, 0.8423, 5e-5);
  // Same people, same question two years apart: the two distributions are close.
  assert.ok((res.items.cappun.tv as number) < 0.05);
  assert.deepEqual(Object.keys(res.subgroups.sex.groups), ["Female", "Male"]);
});

test("weighted compare: a person of weight 2 counts as that person twice; unit weights change nothing", () => {
  const rows = (list: [string, string, string | number][]): AnswerRow[] =>
    list.map(([p, i, a]) => ({ person_id: p, item: i, answer: a }));
  const simRows: [string, string, string][] = [
    ["a", "q", "x"],
    ["b", "q", "y"],
    ["c", "q", "x"],
    ["a", "r", "y"],
    ["b", "r", "y"],
  ];
  const humanRows: [string, string, string][] = [
    ["a", "q", "x"],
    ["b", "q", "x"],
    ["c", "q", "y"],
    ["a", "r", "y"],
    ["b", "r", "x"],
    ["d", "q", "y"],
  ];
  const weights = new Map([
    ["a", 2],
    ["b", 1],
    ["c", 1],
    ["d", 1],
  ]);
  const weighted = compareFidelity(
    { sim: rows(simRows), human: rows(humanRows) },
    { weights: { name: "w.csv", weights } },
  );
  // The same data with person a written twice (a and a2).
  const twice = (list: [string, string, string][]) => [
    ...list,
    ...list.filter((r) => r[0] === "a").map(([, i, v]) => ["a2", i, v] as [string, string, string]),
  ];
  const doubled = compareFidelity({ sim: rows(twice(simRows)), human: rows(twice(humanRows)) });
  close(weighted.overall.accuracy, doubled.overall.accuracy as number);
  for (const item of ["q", "r"]) {
    close(weighted.items[item].accuracy, doubled.items[item].accuracy as number);
    close(weighted.items[item].jsd, doubled.items[item].jsd as number);
    assert.deepEqual(weighted.items[item].distribution, doubled.items[item].distribution);
  }
  assert.deepEqual(weighted.weights, { file: "w.csv", human_left_out: 0 });
  const unit = compareFidelity(
    { sim: rows(simRows), human: rows(humanRows) },
    { weights: { name: "w1", weights: new Map([...weights.keys()].map((k) => [k, 1])) } },
  );
  const plain = compareFidelity({ sim: rows(simRows), human: rows(humanRows) });
  assert.deepEqual(unit.items, plain.items);
  assert.equal(unit.overall.accuracy, plain.overall.accuracy);
  assert.throws(
    () =>
      compareFidelity(
        { sim: rows(simRows), human: rows(humanRows) },
        { weights: { name: "w.csv", weights: new Map([["a", 1]]) } },
      ),
    /w\.csv: 2 simulated people of .* have no weight in w\.csv \(first: "b"\)/,
  );
  // Human people without a weight are left out, and counted.
  const part = compareFidelity(
    { sim: rows(simRows.filter((r) => r[0] !== "c")), human: rows(humanRows) },
    {
      weights: {
        name: "w.csv",
        weights: new Map([
          ["a", 2],
          ["b", 1],
        ]),
      },
    },
  );
  assert.deepEqual(part.weights, { file: "w.csv", human_left_out: 2 });
  assert.equal(part.items.q.n_human, 2);
});

test("weighted numeric compare: weighted MAE and W1 equal the duplicated data", () => {
  const rows = (list: [string, string, number][]): AnswerRow[] =>
    list.map(([p, i, a]) => ({ person_id: p, item: i, answer: a }));
  const s: [string, string, number][] = [
    ["a", "x", 1],
    ["b", "x", 4],
    ["c", "x", 2],
    ["d", "x", 5],
  ];
  const h: [string, string, number][] = [
    ["a", "x", 2],
    ["b", "x", 3],
    ["c", "x", 2],
    ["d", "x", 3],
  ];
  const w = new Map([
    ["a", 3],
    ["b", 1],
    ["c", 1],
    ["d", 2],
  ]);
  const weighted = compareFidelity(
    { sim: rows(s), human: rows(h) },
    { type: "numeric", weights: { name: "w", weights: w } },
  );
  const expand = (list: [string, string, number][]) =>
    list.flatMap(([p, i, v]) =>
      Array.from({ length: w.get(p)! }, (_, k) => [`${p}${k}`, i, v] as [string, string, number]),
    );
  const doubled = compareFidelity({ sim: rows(expand(s)), human: rows(expand(h)) }, { type: "numeric" });
  close(weighted.overall.mae, doubled.overall.mae as number);
  close(weighted.items.x.w1, doubled.items.x.w1 as number);
  close(weighted.items.x.r, doubled.items.x.r as number);
  close(weighted.items.x.mean_sim, doubled.items.x.mean_sim as number);
});
