import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../random/index.ts";
import { fCdf } from "../stats/index.ts";
import { focalismNote, type ProbeObservation, probeDiagnostics } from "./index.ts";

test("the F-test and slope of a probe variable match the hand computation", () => {
  // Arms at treatment 1 and 2: [1, 2, 3] and [4, 5, 6]. Between SS 13.5 (df 1), within SS 4 (df 4): F = 13.5.
  const obs: ProbeObservation[] = [1, 2, 3, 4, 5, 6].map((value, i) => ({
    variable: "v",
    arm: i < 3 ? "low" : "high",
    treatment: i < 3 ? 1 : 2,
    value,
  }));
  const [d] = probeDiagnostics(obs).variables;
  assert.deepEqual(d.f_test, { F: 13.5, df1: 1, df2: 4, p: 1 - fCdf(13.5, 1, 4) });
  assert.ok(Math.abs(d.slope!.estimate - 3) < 1e-12);
  assert.deepEqual(
    d.arms.map((a) => [a.arm, a.n, a.mean]),
    [
      ["low", 3, 2],
      ["high", 3, 5],
    ],
  );
  assert.equal(d.moved, true);
});

test("a variable that moves with the treatment is flagged (also as an inverted U); one that does not, is not", () => {
  const rng = createRng("probe");
  const prices = [0, 2, 4, 6, 8, 10];
  const obs: ProbeObservation[] = [];
  for (const p of prices) {
    for (let i = 0; i < 30; i++) {
      const arm = `price_${p}`;
      obs.push({ variable: "competitor_price", arm, treatment: p, value: 2 + 0.5 * p + rng.normal() });
      obs.push({ variable: "income", arm, treatment: p, value: 50 + 5 * rng.normal() });
      obs.push({ variable: "quality", arm, treatment: p, value: 5 - 0.2 * (p - 5) ** 2 + rng.normal() });
    }
  }
  const res = probeDiagnostics(obs);
  assert.deepEqual(res.moved, ["competitor_price", "quality"]);
  const cp = res.variables.find((v) => v.variable === "competitor_price")!;
  assert.ok(
    Math.abs(cp.slope!.estimate - 0.5) < 3 * cp.slope!.se,
    `slope ${cp.slope!.estimate} ± ${cp.slope!.se}`,
  );
  const q = res.variables.find((v) => v.variable === "quality")!;
  assert.ok(
    q.slope!.lower < 0 && 0 < q.slope!.upper,
    "an inverted U has no linear trend, but the F-test sees it",
  );
  assert.match(
    focalismNote(["competitor price ($3.00)"]) ?? "",
    /^Held fixed in every prompt: competitor price \(\$3\.00\)\. .*focalism/,
  );
  assert.equal(focalismNote([]), null);
});
