/**
 * Calibration benchmark on real paired data: Twin-2K-500 mega-study, human answers and the
 * same people's LLM digital-twin answers for every dependent variable (DV).
 *
 * For each DV with P paired people, draw n = 100 humans, calibrate with twin-only answers of
 * N = P − n others, and check whether the PPI++ interval covers the full-sample human mean.
 * Two sampling designs (see docs/readme-sections/calibration.md for why both):
 *   superpopulation: labeled and unlabeled drawn independently with replacement from the P
 *     people, so the full-sample mean is exactly the mean being estimated and PPI's
 *     independence assumptions hold — the honest test of nominal coverage;
 *   subsample: n humans drawn without replacement, the other P − n people's twins unlabeled —
 *     how a study would do it; the finite population makes the nominal formula conservative.
 * Last stdout line: one JSON object with the figures.
 */
import { performance } from "node:perf_hooks";
import { ppiMean } from "../src/analysis/calibration/index.ts";
import { mean, pearson } from "../src/analysis/stats/index.ts";
import { dataFile, readCsv, records, resolveDataDir } from "../src/data/index.ts";
import { createRng, type Rng } from "../src/random/index.ts";

const N_HUMANS = 100;
const DRAWS_PER_DV = Number(process.env.BENCH_DRAWS ?? 1000);
const ALPHA = 0.05;
const MIN_PAIRS = 2 * N_HUMANS;

interface Dv {
  study: string;
  name: string;
  y: number[];
  yhat: number[];
}

function loadDvs(): Dv[] {
  const dir = resolveDataDir();
  const base = "twin2k500-megastudy/derived";
  const human = readCsv(dataFile(dir, `${base}/combined_dv_human.csv`, "Twin-2K-500 human DVs"));
  const twin = readCsv(dataFile(dir, `${base}/combined_dv_llm.csv`, "Twin-2K-500 twin DVs"));
  const summary = records(
    readCsv(dataFile(dir, `${base}/dv_variables_summary.csv`, "Twin-2K-500 DV summary")),
  );
  const studyOf = new Map(summary.map((r) => [r.DV_variable, r.study_name]));
  const twinRows = new Map(records(twin).map((r) => [r.TWIN_ID, r]));
  const humanRows = records(human);
  const dvs: Dv[] = [];
  for (const name of human.header) {
    if (name === "TWIN_ID") continue;
    const y: number[] = [];
    const yhat: number[] = [];
    for (const h of humanRows) {
      const t = twinRows.get(h.TWIN_ID);
      // A person counts only with both answers (a few DVs have one side missing).
      if (!t || h[name] === "" || t[name] === undefined || t[name] === "") continue;
      const a = Number(h[name]);
      const b = Number(t[name]);
      if (Number.isFinite(a) && Number.isFinite(b)) {
        y.push(a);
        yhat.push(b);
      }
    }
    dvs.push({ study: studyOf.get(name) ?? "?", name, y, yhat });
  }
  return dvs;
}

interface Tally {
  draws: number;
  covered: number;
  coveredClassical: number;
  widthRatio: number;
  lambda: number;
}

const newTally = (): Tally => ({ draws: 0, covered: 0, coveredClassical: 0, widthRatio: 0, lambda: 0 });

function draw(dv: Dv, rng: Rng, design: "superpopulation" | "subsample") {
  const P = dv.y.length;
  const y: number[] = [];
  const yhat: number[] = [];
  const yhatUnlabeled: number[] = [];
  if (design === "superpopulation") {
    for (let i = 0; i < N_HUMANS; i++) {
      const k = rng.int(P);
      y.push(dv.y[k]);
      yhat.push(dv.yhat[k]);
    }
    for (let i = 0; i < P - N_HUMANS; i++) yhatUnlabeled.push(dv.yhat[rng.int(P)]);
  } else {
    // Partial Fisher–Yates: the first n of a random permutation are the humans.
    const order = Array.from({ length: P }, (_, i) => i);
    for (let i = 0; i < N_HUMANS; i++) {
      const j = i + rng.int(P - i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i < P; i++) {
      const k = order[i];
      if (i < N_HUMANS) {
        y.push(dv.y[k]);
        yhat.push(dv.yhat[k]);
      } else yhatUnlabeled.push(dv.yhat[k]);
    }
  }
  return ppiMean({ y, yhat, yhatUnlabeled }, { alpha: ALPHA });
}

function run(dv: Dv, design: "superpopulation" | "subsample", t: Tally): void {
  const truth = mean(dv.y);
  const rng = createRng(`calibration-bench:${design}:${dv.name}`);
  for (let r = 0; r < DRAWS_PER_DV; r++) {
    const c = draw(dv, rng, design);
    t.draws++;
    if (c.lower <= truth && truth <= c.upper) t.covered++;
    if (c.classical.lower <= truth && truth <= c.classical.upper) t.coveredClassical++;
    const cw = c.classical.upper - c.classical.lower;
    // A resample with no human variation has a zero-width human-only interval; skip its ratio.
    if (cw > 0) t.widthRatio += (c.upper - c.lower) / cw;
    t.lambda += c.lambda;
  }
}

const pct = (x: number) => (100 * x).toFixed(1);

function main(): void {
  const started = performance.now();
  const all = loadDvs();
  const dvs = all.filter((d) => d.y.length >= MIN_PAIRS && Number.isFinite(pearson(d.y, d.yhat)));
  const skipped = all.length - dvs.length;
  const total = { superpopulation: newTally(), subsample: newTally() };
  const rows: string[] = [];
  const perDv: {
    dv: string;
    study: string;
    pairs: number;
    rho: number;
    coverage: number;
    coverage_subsample: number;
    width_ratio: number;
  }[] = [];
  const header = `${"study".padEnd(26)} ${"DV".padEnd(30)} ${"pairs".padStart(5)} ${"rho".padStart(6)} ${"lambda".padStart(6)}  ${"cover%".padStart(6)} ${"human%".padStart(6)} ${"subsmp%".padStart(7)}  ${"width".padStart(5)}`;
  process.stdout.write(
    `Twin-2K-500 calibration benchmark: ${dvs.length} DVs (${skipped} with fewer than ${MIN_PAIRS} pairs skipped), ` +
      `n = ${N_HUMANS} humans, ${DRAWS_PER_DV} draws per DV and design, ${pct(1 - ALPHA)}% intervals\n` +
      `cover% / human% = PPI++ / human-only coverage (superpopulation design); subsmp% = PPI++ coverage when the ` +
      `humans are a subsample and the rest's twins the unlabeled set; width = PPI++ / human-only interval width\n\n${header}\n`,
  );
  dvs.forEach((dv, i) => {
    const sup = newTally();
    const sub = newTally();
    run(dv, "superpopulation", sup);
    run(dv, "subsample", sub);
    for (const [agg, t] of [
      [total.superpopulation, sup],
      [total.subsample, sub],
    ] as const) {
      agg.draws += t.draws;
      agg.covered += t.covered;
      agg.coveredClassical += t.coveredClassical;
      agg.widthRatio += t.widthRatio;
      agg.lambda += t.lambda;
    }
    const rho = pearson(dv.y, dv.yhat);
    const row = {
      dv: dv.name,
      study: dv.study,
      pairs: dv.y.length,
      rho,
      coverage: sup.covered / sup.draws,
      coverage_subsample: sub.covered / sub.draws,
      width_ratio: sup.widthRatio / sup.draws,
    };
    perDv.push(row);
    const line =
      `${dv.study.slice(0, 26).padEnd(26)} ${dv.name.slice(0, 30).padEnd(30)} ${String(row.pairs).padStart(5)} ` +
      `${rho.toFixed(3).padStart(6)} ${(sup.lambda / sup.draws).toFixed(3).padStart(6)}  ${pct(row.coverage).padStart(6)} ` +
      `${pct(sup.coveredClassical / sup.draws).padStart(6)} ${pct(row.coverage_subsample).padStart(7)}  ${row.width_ratio.toFixed(3).padStart(5)}`;
    rows.push(line);
    process.stdout.write(`${line}\n`);
    process.stderr.write(`\rcalibration benchmark: ${i + 1}/${dvs.length} DVs`);
  });
  process.stderr.write("\n");
  const s = total.superpopulation;
  const b = total.subsample;
  const sorted = perDv.map((d) => d.width_ratio).sort((x, y) => x - y);
  const strong = perDv.filter((d) => d.rho >= 0.4);
  const figures = {
    benchmark: "calibration",
    dataset: "twin2k500-megastudy/derived",
    n_humans: N_HUMANS,
    draws_per_dv: DRAWS_PER_DV,
    dvs: dvs.length,
    dvs_skipped: skipped,
    nominal: 1 - ALPHA,
    draws: s.draws,
    coverage: s.covered / s.draws,
    coverage_human_only: s.coveredClassical / s.draws,
    coverage_subsample: b.covered / b.draws,
    coverage_subsample_human_only: b.coveredClassical / b.draws,
    coverage_mc_se: Math.sqrt(((1 - ALPHA) * ALPHA) / s.draws),
    dv_coverage_min: Math.min(...perDv.map((d) => d.coverage)),
    dv_coverage_max: Math.max(...perDv.map((d) => d.coverage)),
    width_ratio_mean: s.widthRatio / s.draws,
    width_ratio_median: sorted[Math.floor(sorted.length / 2)],
    width_ratio_best: sorted[0],
    width_ratio_rho_ge_0_4: strong.length
      ? strong.reduce((a, d) => a + d.width_ratio, 0) / strong.length
      : null,
    dvs_rho_ge_0_4: strong.length,
    mean_lambda: s.lambda / s.draws,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(
    `\noverall (${s.draws} draws per design): PPI++ coverage ${pct(figures.coverage)}% ` +
      `(human-only ${pct(figures.coverage_human_only)}%, Monte-Carlo SE ${pct(figures.coverage_mc_se)} points); ` +
      `subsample design ${pct(figures.coverage_subsample)}% (human-only ${pct(figures.coverage_subsample_human_only)}%)\n` +
      `interval width vs human-only: mean ${figures.width_ratio_mean.toFixed(3)}, median ${figures.width_ratio_median.toFixed(3)}, ` +
      `best ${figures.width_ratio_best.toFixed(3)}; ${strong.length} DVs with rho ≥ 0.4: mean ${figures.width_ratio_rho_ge_0_4?.toFixed(3)}\n` +
      `${figures.seconds.toFixed(1)} s\n`,
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main();
