import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "./index.ts";

test("same seed gives the same sequence; different seeds differ", () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 5 }, () => a.next());
  const sb = Array.from({ length: 5 }, () => b.next());
  const sc = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test("uniform draws have mean 1/2 and normal draws mean 0, variance 1", () => {
  const rng = createRng("moments");
  const n = 200_000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    su += rng.next();
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.01);
  assert.ok(Math.abs(sn2 / n - 1) < 0.015);
});

test("weighted draws follow their weights and skip zero weights", () => {
  const rng = createRng(7);
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) counts[rng.weighted([1, 0, 3])]++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2] / 30_000 - 0.75) < 0.015);
});

test("sample returns k distinct items", () => {
  const rng = createRng(1);
  const s = rng.sample([1, 2, 3, 4, 5, 6], 4);
  assert.equal(new Set(s).size, 4);
});
