/**
 * Twin-2K-500 mega-study example: real people and their LLM digital twins answered the same
 * experiments. Two questions:
 *   1. Individual fidelity: per dependent variable, how well does a twin's answer track its own
 *      human across people (`populace compare --type numeric`)?
 *   2. Effect replication: do the experiments' treatment effects come out the same when the
 *      twins answer (`populace effects`)? Conditions come from the raw Qualtrics exports and are
 *      joined to the human and twin answers by TWIN_ID.
 *
 *   node examples/fidelity/twin2k500.ts [OUT_DIR] [--db FILE]   (--db: add the comparisons to its validation ledger)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvLine, dataFile, readCsv, records, resolveDataDir } from "../../src/data/index.ts";
import { exampleArgs, ledgerFlags, populace } from "./common.ts";

const { out, db } = exampleArgs("twin2k500");
const data = resolveDataDir();
const dir = "twin2k500-megastudy";

const load = (rel: string) => records(readCsv(dataFile(data, `${dir}/${rel}`, `Twin-2K-500 ${rel}`)));
const humanDv = load("derived/combined_dv_human.csv");
const twinDv = load("derived/combined_dv_llm.csv");
const dvRange = load("derived/dv_variables_summary.csv");

// 1. Individual level: every DV with a known scale, person = TWIN_ID.
const dvs = [...new Set(dvRange.map((r) => r.DV_variable))].filter((v) => v in humanDv[0] && v in twinDv[0]);
const long = (rows: Record<string, string>[]) => {
  const lines = [csvLine(["person_id", "item", "answer"])];
  for (const r of rows)
    for (const v of dvs)
      if (Number.isFinite(Number(r[v])) && r[v] !== "") lines.push(csvLine([r.TWIN_ID, v, r[v]]));
  return lines;
};
const write = (name: string, lines: string[]) => {
  const path = join(out, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};
const humanCsv = write("twin-human-long.csv", long(humanDv));
const twinCsv = write("twin-llm-long.csv", long(twinDv));

// 2. Effects. Qualtrics exports: a header row, then two metadata rows.
function raw(study: string): Record<string, string>[] {
  const t = readCsv(dataFile(data, `${dir}/raw/${study}/response.csv`, `raw export of ${study}`));
  return t.rows.slice(2).map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]])));
}
const meanOf = (r: Record<string, string> | undefined, cols: string[]) => {
  if (!r) return Number.NaN;
  const xs = cols
    .map((c) => r[c])
    .filter((v) => v !== undefined && v !== "")
    .map(Number);
  return xs.length === cols.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};
const cols = (prefix: RegExp) => dvs.filter((v) => prefix.test(v));
const ratings = cols(/^rating\d+$/);
const jobs = cols(/^job\d_item\d$/);
const real = cols(/^Real\d_3$/);
const fake = cols(/^Fake\d_3$/);

interface Contrast {
  study: string;
  source: string;
  /** "treatment", "control" or undefined (not in this contrast). */
  arm: (r: Record<string, string>) => string | undefined;
  outcome: (dv: Record<string, string> | undefined) => number;
}
const CONTRASTS: Contrast[] = [
  {
    study: "targeting fairness: female-targeted vs broad ad",
    source: "targeting_fairness",
    arm: (r) => ({ female: "treatment", broad: "control" })[r.target],
    outcome: (d) => meanOf(d, ["fairness_average"]),
  },
  {
    study: "idea evaluation: full vs no information",
    source: "idea_evaluation",
    arm: (r) => ({ full: "treatment", baseline: "control" })[r.condition],
    outcome: (d) => meanOf(d, ratings),
  },
  {
    study: "idea evaluation: AI vs human ideas",
    source: "idea_evaluation",
    arm: (r) => ({ AI: "treatment", human: "control" })[r.source],
    outcome: (d) => meanOf(d, ratings),
  },
  {
    study: "affective priming: gratitude prime",
    source: "affective_priming",
    arm: (r) => (r.emotion === "gratitude" ? { prime: "treatment", control: "control" }[r.cond] : undefined),
    outcome: (d) => meanOf(d, ["gratitude"]),
  },
  {
    study: "affective priming: lack-of-control prime",
    source: "affective_priming",
    arm: (r) => (r.emotion === "in_control" ? { prime: "treatment", control: "control" }[r.cond] : undefined),
    outcome: (d) => meanOf(d, ["lack of control"]),
  },
  ...[1, 2, 3].map(
    (k): Contrast => ({
      study: `obedient twins: scenario ${k} test vs control`,
      source: "obedient_twins",
      arm: (r) => ({ test: "treatment", control: "control" })[r[`s_${k}`]],
      outcome: (d) => meanOf(d, [`task 2 - S${k}`]),
    }),
  ),
  ...["2", "3", "4"].map(
    (c): Contrast => ({
      study: `accuracy nudge: condition ${c} vs 1 (discernment)`,
      source: "accuracy_nudges",
      arm: (r) => (r.Condition === c ? "treatment" : r.Condition === "1" ? "control" : undefined),
      outcome: (d) => meanOf(d, real) - meanOf(d, fake),
    }),
  ),
  {
    study: "hiring: algorithm vs hiring team",
    source: "hiring_algorithms",
    arm: (r) =>
      r.FL_7_DO_AlgorithmicHiring === "1"
        ? "treatment"
        : r.FL_7_DO_HiringTeam === "1"
          ? "control"
          : undefined,
    outcome: (d) => meanOf(d, jobs),
  },
];

// Ids are written "12" in some exports and "12.0" in others.
const id = (x: string) => String(Number(x));
const humanById = new Map(humanDv.map((r) => [id(r.TWIN_ID), r]));
const twinById = new Map(twinDv.map((r) => [id(r.TWIN_ID), r]));
const effectLines = {
  human: [csvLine(["study", "arm", "outcome"])],
  twin: [csvLine(["study", "arm", "outcome"])],
};
const rawCache = new Map<string, Record<string, string>[]>();
for (const c of CONTRASTS) {
  if (!rawCache.has(c.source)) rawCache.set(c.source, raw(c.source));
  for (const r of rawCache.get(c.source)!) {
    const arm = c.arm(r);
    if (!arm || !r.TWIN_ID) continue;
    const h = c.outcome(humanById.get(id(r.TWIN_ID)));
    const t = c.outcome(twinById.get(id(r.TWIN_ID)));
    // Only people with both answers, so the two sides are the same people in the same arms.
    if (!Number.isFinite(h) || !Number.isFinite(t)) continue;
    effectLines.human.push(csvLine([c.study, arm, h]));
    effectLines.twin.push(csvLine([c.study, arm, t]));
  }
}
const effHuman = write("twin-effects-human.csv", effectLines.human);
const effTwin = write("twin-effects-llm.csv", effectLines.twin);

const ledger = (study: string, domain: string, model: string, conditioning: string) =>
  ledgerFlags(db, study, domain, model, conditioning);

const fidelityHtml = join(out, "twin-fidelity.html");
const fid = populace([
  ...["compare", "--sim", twinCsv, "--human", humanCsv, "--type", "numeric"],
  ...[
    "--bootstrap",
    "100",
    "--seed",
    "1",
    "--json",
    "--html",
    fidelityHtml,
    "--title",
    "Twin-2K-500: twins vs. their humans",
  ],
  ...ledger("twin2k500", "behavioural-experiments", "twin2k500:llm-digital-twin", "persona"),
]);
const effectsHtml = join(out, "twin-effects.html");
const eff = populace([
  ...[
    "effects",
    "--human",
    effHuman,
    "--sim",
    effTwin,
    "--study",
    "study",
    "--arm",
    "arm",
    "--outcome",
    "outcome",
  ],
  ...[
    "--labels",
    "human,twin",
    "--json",
    "--html",
    effectsHtml,
    "--title",
    "Twin-2K-500: treatment effects, humans vs. twins",
  ],
  ...ledger("twin2k500", "behavioural-experiments", "twin2k500:llm-digital-twin", "persona"),
]);

type Obj = Record<string, unknown> & { [k: string]: Obj };
const f = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : String(v));
const o = fid.overall as Obj;
const ci = o.ci as unknown as Record<string, [number, number]>;
const lines = [
  `individual level: ${o.n_persons} people, ${o.n_items} DVs, ${o.n_pairs} pairs`,
  `mean per-DV correlation twin vs human r = ${f(o.r)} [${f(ci.r[0])}, ${f(ci.r[1])}] over ${o.n_items_r} DVs; ` +
    `pooled r ${f(o.r_pooled)}; MAE ${f(o.mae)} (raw scale units)`,
  `variance ratio twin/human (median over DVs) ${f((o.heterogeneity as Obj).median_ratio)}`,
  "effects (d human / d twin):",
  ...(eff.studies as Obj[]).map(
    (s) =>
      `  ${String(s.study).padEnd(52)} ${f(s.human.d.estimate).padStart(7)} ${f(s.sim?.d.estimate).padStart(7)}  ` +
      `n=${(s.human.n_treated as unknown as number) + (s.human.n_control as unknown as number)}`,
  ),
  `sign agreement ${f((eff.summary as Obj).sign_agreement)}, significance agreement ${f((eff.summary as Obj).significance_agreement)}, ` +
    `r(effect sizes) ${f((eff.summary as Obj).r_effect_sizes)} over ${(eff.summary as Obj).n_compared} contrasts`,
  `reports: ${fidelityHtml}, ${effectsHtml}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
