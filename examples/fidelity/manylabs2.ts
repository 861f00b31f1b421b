/**
 * Many Labs 2 example: classic effects replicated across ~60 sites. There is no simulation here;
 * the effects command compares two real samples — WEIRD sites as the reference, non-WEIRD sites
 * in the place of the simulation — which is the same question (does the effect come out the
 * same in another population?) and a yardstick for what agreement between real samples looks
 * like. A regression (`populace regress`) checks the framing effect as a logistic model.
 *
 *   node examples/fidelity/manylabs2.ts [OUT_DIR] [--db FILE]   (--db: add the comparisons to its validation ledger)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvLine, dataFile, readCsv, records, resolveDataDir } from "../../src/data/index.ts";
import { exampleArgs, ledgerFlags, populace } from "./common.ts";

const { out, db } = exampleArgs("manylabs2");
const data = resolveDataDir();
const load = (file: string) =>
  records(readCsv(dataFile(data, `manylabs2-classic-effects/data/${file}`, `Many Labs 2 ${file}`)));

/** Treated arm first, as in the original hypotheses (ML2 key table). */
const STUDIES = [
  {
    file: "Tversky_1.csv",
    study: "framing (Tversky & Kahneman)",
    treated: "Cheap",
    control: "Expensive",
    positive: "Yes",
  },
  {
    file: "Hauser_1.csv",
    study: "trolley (Hauser)",
    treated: "SideEffect",
    control: "GreaterGood",
    positive: "Yes",
  },
  { file: "Hsee_1.csv", study: "less-is-better (Hsee)", treated: "Scarf", control: "Coat" },
  { file: "Zhong_1.csv", study: "moral cleansing (Zhong)", treated: "Unethical", control: "Ethical" },
];
// Published original effect sizes (ML2_OriginalEffects.csv, ESCI.d) for the README table.
const original = new Map(
  records(
    readCsv(dataFile(data, "manylabs2-classic-effects/ML2_OriginalEffects.csv", "ML2 original effects")),
  ).map((r) => [r["study.analysis"], r["ESCI.d"]]),
);

const lines: Record<string, string[]> = { "1": [], "0": [], all: [] };
const framing: string[] = [csvLine(["weird", "choice", "condition", "site"])];
for (const s of STUDIES) {
  for (const r of load(s.file)) {
    const arm = r.factor === s.treated ? "treatment" : r.factor === s.control ? "control" : undefined;
    if (!arm || r.variable === "" || (r.Weird !== "0" && r.Weird !== "1")) continue;
    // Binary answers become 0/1 here so one long file can mix binary and rating studies.
    const y = s.positive ? (r.variable === s.positive ? 1 : 0) : Number(r.variable);
    lines[r.Weird].push(csvLine([s.study, arm, y]));
    lines.all.push(csvLine([s.study, arm, y]));
    if (s.file === "Tversky_1.csv") framing.push(csvLine([r.Weird, r.variable, r.factor, r.source]));
  }
}
const write = (name: string, body: string[], header = csvLine(["study", "arm", "outcome"])) => {
  const path = join(out, name);
  writeFileSync(path, `${[header, ...body].join("\n")}\n`);
  return path;
};
const weird = write("ml2-weird.csv", lines["1"]);
const nonWeird = write("ml2-nonweird.csv", lines["0"]);
const all = write("ml2-all.csv", lines.all);
const framingWeird = write(
  "ml2-framing-weird.csv",
  framing.slice(1).filter((l) => l.startsWith("1,")),
  framing[0],
);
const framingOther = write(
  "ml2-framing-nonweird.csv",
  framing.slice(1).filter((l) => l.startsWith("0,")),
  framing[0],
);

const ledger = (study: string, domain: string, model: string, conditioning: string) =>
  ledgerFlags(db, study, domain, model, conditioning);
const common = ["--study", "study", "--arm", "arm", "--outcome", "outcome", "--json"];
const html = join(out, "ml2-effects.html");
const eff = populace([
  ...["effects", "--human", weird, "--sim", nonWeird, ...common],
  ...["--labels", "WEIRD,non-WEIRD", "--html", html, "--title", "Many Labs 2: WEIRD vs. non-WEIRD samples"],
  // No simulation: non-WEIRD sites stand in for the second sample, a human reference for the ledger.
  ...ledger(
    "manylabs2: WEIRD vs. non-WEIRD",
    "classic-effects",
    "human:non-WEIRD sites",
    "none (human sample)",
  ),
]);
// Pooled over all sites (human vs. itself: the reference estimates).
const pooled = populace(["effects", "--human", all, "--sim", all, ...common, "--no-ledger"]);
const reg = populace([
  ...["regress", "--human", framingWeird, "--sim", framingOther, "--formula", "choice ~ condition"],
  ...["--family", "logistic", "--positive", "Yes", "--labels", "WEIRD,non-WEIRD", "--json"],
]);

type Obj = Record<string, unknown> & { [k: string]: Obj };
const f = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : String(v));
const key: Record<string, string> = {
  "framing (Tversky & Kahneman)": "Tversky.1",
  "trolley (Hauser)": "Hauser.1",
  "less-is-better (Hsee)": "Hsee.1",
  "moral cleansing (Zhong)": "Zhong.1",
};
const pooledBy = new Map((pooled.studies as Obj[]).map((s) => [String(s.study), s]));
const out2 = [
  "study: d pooled [95% CI] (n) | d WEIRD | d non-WEIRD | original d",
  ...(eff.studies as Obj[]).map((s) => {
    const p = pooledBy.get(String(s.study))!.human;
    const n = (p.n_treated as unknown as number) + (p.n_control as unknown as number);
    return `  ${String(s.study).padEnd(30)} ${f(p.d.estimate)} [${f(p.d.lower)}, ${f(p.d.upper)}] (${n}) | ${f(s.human.d.estimate)} | ${f(s.sim?.d.estimate)} | ${original.get(key[String(s.study)]) ?? "—"}`;
  }),
  `WEIRD vs non-WEIRD: sign agreement ${f((eff.summary as Obj).sign_agreement)}, significance agreement ${f((eff.summary as Obj).significance_agreement)}, r(effect sizes) ${f((eff.summary as Obj).r_effect_sizes)}`,
  `framing logistic (condition=Expensive): WEIRD ${f((reg.coefficients as Obj[])[1].human.coef)}, non-WEIRD ${f((reg.coefficients as Obj[])[1].sim.coef)}, p(difference) ${f((reg.coefficients as Obj[])[1].p_difference)}`,
  `report: ${html}`,
];
process.stdout.write(`${out2.join("\n")}\n`);
