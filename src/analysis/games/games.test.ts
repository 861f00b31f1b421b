import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { csvLine, resolveDataDir } from "../../data/index.ts";
import { HUMAN_GAMES, type HumanGameName, readHumanGame } from "../../datasets/index.ts";
import { parseGame, playGame, statedMoves } from "../../instruments/games/index.ts";
import { createRng } from "../../random/index.ts";
import { checkReportInBrowser } from "../../report/index.ts";
import { compareGamePlay, readDecisions } from "./index.ts";

const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-games-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("each human game data set reads with the counts and means of an independent count", () => {
  // Counted once with Python's csv module from the same files (see the README's game figures).
  const expected: Record<HumanGameName, [number, number]> = {
    "moblab-dictator": [28_014, 0.2460886212737787],
    "moblab-ultimatum-proposer": [6_160, 0.4437694805194805],
    "moblab-ultimatum-responder": [6_102, 0.3455735824319895],
    "heffner-ultimatum-responder": [14_300, 0.703986013986014],
    "heffner-pd": [6_732, 0.5209447415329769],
    "heffner-public-goods": [58_280, 0.5151544269045985],
  };
  for (const name of Object.keys(HUMAN_GAMES) as HumanGameName[]) {
    const d = readHumanGame(dataDir, name);
    const m = d.decisions.reduce((a, x) => a + x.value, 0) / d.decisions.length;
    assert.equal(d.decisions.length, expected[name][0], name);
    assert.ok(Math.abs(m - expected[name][1]) < 1e-12, `${name}: ${m}`);
    assert.ok(d.decisions.every((x) => x.value >= 0 && x.value <= 1));
  }
  assert.deepEqual(readHumanGame(dataDir, "moblab-dictator").dropped, {
    "recipient rows (no move)": 16_719,
    "pie of size 0": 892,
  });
  assert.equal(
    new Set(readHumanGame(dataDir, "moblab-dictator").decisions.map((x) => x.person)).size,
    11_935,
  );
});

test("distances and means: the same play gives 0, a fixed fair split gives W1 = mean |x − ½|", () => {
  const human = readHumanGame(dataDir, "moblab-dictator").decisions;
  const same = compareGamePlay(human, human);
  assert.equal(same.w1, 0);
  assert.equal(same.jsd, 0);
  assert.equal(same.mean_difference.estimate, 0);
  const fair = Array.from({ length: 500 }, (_, i) => ({ person: `s${i % 100}`, value: 0.5 }));
  const res = compareGamePlay(human, fair);
  assert.ok(Math.abs(res.w1 - 0.2695696210336422) < 1e-12, `W1 ${res.w1}`);
  assert.equal(res.sim.se, 0, "no variation: no uncertainty");
  assert.deepEqual(res.sim.distribution, [{ bin: 0.5, share: 1 }]);
  // Clustered SE of a mean by hand: person means' deviations sum per person (see stats CR1 test).
  const tiny = compareGamePlay(
    [
      { person: "a", value: 0.1 },
      { person: "a", value: 0.2 },
      { person: "b", value: 0.3 },
      { person: "b", value: 0.4 },
      { person: "c", value: 0.5 },
      { person: "c", value: 0.6 },
    ],
    fair,
  );
  assert.ok(Math.abs(tiny.human.se! - Math.sqrt((1.5 * 0.32) / 36)) < 1e-12);
});

test("simulated prisoner's dilemma play against stated partner moves compares with Heffner's by partner move", async () => {
  // A rule standing in for simulated people (not a model): cooperate with probability 0.2 after
  // a defection, 0.8 after full cooperation, played through the game's rules and move checks.
  const rng = createRng("pd-sim");
  const rows = [csvLine(["person_id", "round", "value", "partner"])];
  for (let person = 0; person < 60; person++) {
    for (const [trial, partner] of (["defect", "cooperate"] as const).entries()) {
      const g = parseGame({ game: "prisoners_dilemma", partner: { type: "stated", move: partner } });
      const p = partner === "cooperate" ? 0.8 : 0.2;
      const played = playGame(
        g,
        [() => ({ action: rng.next() < p ? "cooperate" : "defect" }), null],
        statedMoves(g),
      );
      const mine = played.rounds[0].moves[0] as { action: string };
      rows.push(
        csvLine([
          `p${person}`,
          trial + 1,
          mine.action === "cooperate" ? 1 : 0,
          partner === "cooperate" ? 1 : 0,
        ]),
      );
    }
  }
  const sim = join(dir, "pd.csv");
  writeFileSync(sim, `${rows.join("\n")}\n`);
  const human = readHumanGame(dataDir, "heffner-pd").decisions;
  const res = compareGamePlay(human, readDecisions(sim), { by: "partner" });
  const at = (x: number) => res.groups.find((g) => g.group === x)!;
  assert.equal(res.groups.length, 11, "partner moves 0, 0.1, …, 1");
  assert.equal(at(0.5).sim, null, "no simulated decisions after a half contribution");
  assert.ok(at(0).human!.mean < at(1).human!.mean, "people cooperate more after their partner cooperated");
  assert.ok(at(0).sim!.mean < 0.35 && at(1).sim!.mean > 0.65);
  assert.ok(
    at(0).w1 !== null && Math.abs(at(0).w1! - Math.abs(at(0).human!.mean - at(0).sim!.mean)) < 1e-12,
    "binary: W1 = |Δ share|",
  );

  const bin = resolve(import.meta.dirname, "../../../bin/populace");
  const html = join(dir, "pd.html");
  const r = spawnSync(
    bin,
    ["games", "--human", "heffner-pd", "--sim", sim, "--by", "partner", "--json", "--html", html],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out.human), [
    "n_people",
    "n_decisions",
    "mean",
    "se",
    "lower",
    "upper",
    "distribution",
  ]);
  assert.equal(out.groups.length, 11);
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 2);
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "person_id,value\np1,0.5\np2,1.5\n");
  const e = spawnSync(bin, ["games", "--human", "heffner-pd", "--sim", bad], { encoding: "utf8" });
  assert.equal(e.status, 2);
  assert.equal(e.stderr, `populace: error: ${bad}:3, column value: value 1.5 is not a share from 0 to 1\n`);
});
