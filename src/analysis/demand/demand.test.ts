import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { csvLine } from "../../data/index.ts";
import { createRng } from "../../random/index.ts";
import { checkReportInBrowser } from "../../report/index.ts";
import { antitonic, demandCurve, type Purchase, readPurchases } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-demand-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Exactly round(share · n) buyers at each price. */
function purchases(shares: number[], n: number, person?: (price: number, i: number) => string): Purchase[] {
  return shares.flatMap((s, k) =>
    Array.from({ length: n }, (_, i) => ({
      price: k + 1,
      bought: i < Math.round(s * n) ? 1 : 0,
      person: person?.(k + 1, i),
    })),
  );
}

test("a downward demand curve: Wilson intervals, a negative slope, monotone", () => {
  const c = demandCurve(purchases([0.9, 0.7, 0.5, 0.3, 0.1], 10));
  const p2 = c.points[1];
  assert.equal(p2.share, 0.7);
  // Wilson 95% for 7 of 10, from scipy.stats.binomtest(7, 10).proportion_ci(method="wilson").
  assert.ok(
    Math.abs(p2.lower - 0.39677814746114526) < 1e-12 && Math.abs(p2.upper - 0.892208732593699) < 1e-12,
  );
  assert.ok(Math.abs(c.slope.estimate + 0.2) < 1e-12, "OLS slope of exact shares: −0.2 per unit");
  assert.equal(c.sign, "negative");
  assert.equal(c.monotone.decreasing, true);
  assert.equal(c.monotone.worst, null);
  assert.equal(c.peak_price, 1);
});

test("an inverted U is not monotone; a flat curve that drops off a cliff is", () => {
  const c = demandCurve(purchases([0.3, 0.6, 0.8, 0.5, 0.2], 50));
  assert.equal(c.monotone.decreasing, false);
  assert.ok(c.monotone.p < 0.001, `p ${c.monotone.p}`);
  assert.deepEqual([c.monotone.worst!.lower_price, c.monotone.worst!.higher_price], [1, 3]);
  assert.ok(Math.abs(c.monotone.worst!.rise - 0.5) < 1e-12);
  assert.equal(c.peak_price, 3);
  assert.deepEqual(
    demandCurve(purchases([0.3, 0.6, 0.8, 0.5, 0.2], 50)).monotone,
    c.monotone,
    "seeded: same p",
  );
  // Monotone shapes a polynomial fit would bend into a rise: flat then a cliff.
  for (const shares of [
    [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1],
    [0.95, 0.9, 0.9, 0.88, 0.85, 0.8, 0.6, 0.3, 0.1],
  ]) {
    const m = demandCurve(purchases(shares, 100)).monotone;
    assert.equal(m.decreasing, true, shares.join(" "));
    assert.ok(m.p > 0.5, `${shares.join(" ")}: p ${m.p}`);
  }
  // Small noisy rises are not significant.
  const flat = demandCurve(purchases([0.5, 0.52, 0.48, 0.5, 0.46], 30));
  assert.equal(flat.monotone.decreasing, true);
  assert.equal(flat.sign, "none");
});

test("the non-increasing fit pools adjacent violators, by weight", () => {
  assert.deepEqual(antitonic([3, 1, 2, 0], [1, 1, 1, 1]), [3, 1.5, 1.5, 0]);
  assert.deepEqual(antitonic([1, 3], [3, 1]), [1.5, 1.5]);
  assert.deepEqual(antitonic([0.2, 0.5, 0.9], [1, 1, 2]), [0.625, 0.625, 0.625]);
});

test("people answering at every price are clusters for the slope", () => {
  // Within design: the same 40 people at 5 prices.
  const rng = createRng("within");
  const rows: Purchase[] = [];
  for (let i = 0; i < 40; i++) {
    const threshold = rng.next() * 6;
    for (let price = 1; price <= 5; price++)
      rows.push({ price, bought: price < threshold ? 1 : 0, person: `p${i}` });
  }
  const clustered = demandCurve(rows);
  const independent = demandCurve(rows.map(({ price, bought }) => ({ price, bought })));
  assert.equal(clustered.slope.estimate, independent.slope.estimate);
  assert.notEqual(clustered.slope.se, independent.slope.se);
});

test("populace demand: modes side by side, the probe flags what moves, human purchases compared", async () => {
  const rng = createRng("demand-cli");
  const lines = [csvLine(["mode", "person_id", "arm", "treatment", "item", "value"])];
  const prices = [0, 2, 4, 6, 8, 10];
  let person = 0;
  // blind: an inverted U and a competitor price that follows the price; unblinded: a downward
  // curve, competitor price flat; aggregate: predicted shares, not probed.
  for (const [mode, share, competitor] of [
    ["blind", (p: number) => 0.8 - 0.03 * (p - 5) ** 2, (p: number) => 3 + 0.6 * p],
    ["unblinded", (p: number) => 0.9 - 0.08 * p, () => 6],
  ] as const) {
    for (const p of prices) {
      for (let i = 0; i < 40; i++) {
        const id = `p${person++}`;
        lines.push(
          csvLine([
            mode,
            id,
            `price_${p}`,
            p,
            "probe.competitor_price",
            (competitor(p) + rng.normal()).toFixed(2),
          ]),
        );
        lines.push(csvLine([mode, id, `price_${p}`, p, "buy", rng.next() < share(p) ? 1 : 0]));
      }
    }
  }
  for (let i = 0; i < 20; i++) {
    for (const p of prices)
      lines.push(
        csvLine([
          "aggregate",
          `a${i}`,
          `price_${p}`,
          p,
          "buy",
          Math.max(0, 0.7 - 0.05 * p + 0.05 * rng.normal()).toFixed(3),
        ]),
      );
  }
  const file = join(dir, "answers.csv");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const human = join(dir, "human.csv");
  writeFileSync(
    human,
    `price,bought\n${prices.flatMap((p) => Array.from({ length: 50 }, (_, i) => `${p},${i < 50 * (0.85 - 0.07 * p) ? 1 : 0}`)).join("\n")}\n`,
  );
  assert.equal(readPurchases(human).length, 300);
  const bin = resolve(import.meta.dirname, "../../../bin/populace");
  const html = join(dir, "demand.html");
  const r = spawnSync(
    bin,
    ["demand", file, "--human", human, "--held-fixed", "store (a supermarket)", "--json", "--html", html],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const mode = (m: string) => out.modes.find((x: { mode: string }) => x.mode === m);
  assert.deepEqual(
    out.modes.map((m: { mode: string }) => m.mode),
    ["blind", "unblinded", "aggregate"],
  );
  assert.equal(mode("blind").curve.monotone.decreasing, false, "the blind curve rises first");
  assert.equal(mode("unblinded").curve.sign, "negative");
  assert.deepEqual(mode("blind").probe.moved, ["competitor_price"]);
  assert.deepEqual(mode("unblinded").probe.moved, []);
  assert.equal(mode("aggregate").probe, null);
  assert.equal(out.human.sign, "negative");
  assert.equal(out.versus_human.length, 3);
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 2, "the curves, and the probe variable by price");
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "mode,person_id,arm,treatment,item,value\nblind,p1,a,cheap,buy,1\n");
  const e = spawnSync(bin, ["demand", bad], { encoding: "utf8" });
  assert.equal(e.status, 2);
  assert.equal(e.stderr, `populace: error: ${bad}:2, column treatment: "cheap" is not a number\n`);
});
