import type { Command } from "commander";
import { canonicalAttributeName } from "../../agents/index.ts";
import {
  type ArmOutcome,
  compareEffects,
  type EffectsResult,
  effectsReport,
  readArmOutcomes,
  subgroupSections,
} from "../../analysis/effects/index.ts";
import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { effectsEntries } from "../../ledger/index.ts";
import { armAnswers, armValues, attributeOf, checkItem, personId } from "../../results/index.ts";
import { fileDigest, type LedgerFlags, recordInLedger, withLedgerOptions } from "../ledger.ts";
import { parseAlpha, parseLabels } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import {
  checkSimSource,
  ledgerDescription,
  type OpenedRun,
  targetSections,
  weightsFlag,
  withRun,
} from "../run-input.ts";

interface EffectsFlags extends ReportFlags, LedgerFlags {
  human: string;
  sim?: string;
  run?: string;
  item?: string;
  outcome: string;
  arm: string;
  treated: string;
  control: string;
  study?: string;
  binary?: boolean;
  continuous?: boolean;
  positive?: string;
  by?: string;
  weights?: string;
  weightColumn?: string;
  id: string;
  margins?: string;
  alpha: string;
  labels: string;
}

const show = (v: number | null | undefined) => (typeof v === "number" ? v.toFixed(3) : "—");

/**
 * The simulated outcomes of a run: each person's answer to the item in the treated and the
 * control arm (every simulated person answers in every arm), replicates combined.
 */
function runOutcomes(
  run: OpenedRun,
  f: EffectsFlags,
  weights: Map<string, number> | undefined,
): ArmOutcome[] {
  const item = f.item ?? f.outcome;
  checkItem(run.data, item, f.item ? "--item" : "--outcome");
  for (const arm of [f.treated, f.control]) {
    if (!run.data.arms.includes(arm)) {
      throw new UserError(
        `run ${run.data.run.id} has no arm "${arm}" (arms: ${run.data.arms.join(", ")}); name its arms with --treated and --control`,
      );
    }
  }
  const out: ArmOutcome[] = [];
  for (const [arm, side] of [
    [f.treated, "treated"],
    [f.control, "control"],
  ] as const) {
    const values =
      f.positive !== undefined
        ? new Map([...armAnswers(run.data, item, arm)].map(([p, a]) => [p, String(a) === f.positive ? 1 : 0]))
        : armValues(run.data, item, arm, (a) => (typeof a === "number" ? a : undefined));
    if (values.size === 0 && f.positive === undefined) {
      throw new UserError(
        `the answers to ${item} are not numbers; give --positive VALUE to count one answer as 1`,
      );
    }
    for (const agent of run.data.agents.values()) {
      const v = values.get(personId(agent));
      if (v === undefined) continue;
      const o: ArmOutcome = {
        study: "all",
        arm: side,
        outcome: v,
        where: `run ${run.data.run.id}, ${agent.agentId}`,
      };
      if (f.by !== undefined) {
        const g = attributeOf(agent, f.by, canonicalAttributeName);
        if (g !== undefined) o.group = g;
      }
      const w = weights?.get(personId(agent));
      if (w !== undefined) o.weight = w;
      out.push(o);
    }
  }
  return out;
}

function summary(res: EffectsResult): string {
  const { human, sim } = res.labels;
  const lines = [
    `${"study".padEnd(32)} ${`d ${human}`.padStart(12)} ${`d ${sim}`.padStart(12)}  sign  signif.`,
  ];
  const yes = (v: boolean | null) => (v === null ? "—" : v ? "yes" : "no");
  for (const s of res.studies) {
    lines.push(
      `${s.study.padEnd(32)} ${show(s.human.d.estimate).padStart(12)} ${show(s.sim?.d.estimate).padStart(12)}  ` +
        `${yes(s.sign_agree).padEnd(4)}  ${yes(s.significance_agree)}`,
    );
    for (const g of s.subgroups?.groups ?? []) {
      lines.push(
        `  ${`${res.by} = ${g.group}`.padEnd(30)} ${show(g.human?.d.estimate).padStart(12)} ${show(g.sim?.d.estimate).padStart(12)}  ` +
          `${yes(g.sign_agree).padEnd(4)}  ${yes(g.significance_agree)}`,
      );
    }
    if (s.subgroups) {
      const t = (x: { q: number; df: number; p: number } | null) =>
        x === null ? "—" : `Q ${x.q.toFixed(2)} (df ${x.df}), p ${x.p < 0.001 ? "< 0.001" : x.p.toFixed(3)}`;
      lines.push(
        `  interaction by ${res.by}: ${human} ${t(s.subgroups.interaction.human)}; ${sim} ${t(s.subgroups.interaction.sim)}; ` +
          `agree ${yes(s.subgroups.interaction_agree)}`,
      );
    }
  }
  const sm = res.summary;
  lines.push(
    `sign agreement ${show(sm.sign_agreement)}, significance agreement ${show(sm.significance_agreement)}, ` +
      `r(effect sizes) ${show(sm.r_effect_sizes)} over ${sm.n_compared} studies` +
      (res.scale === "cohens_d" ? " (Cohen's d on every outcome: --continuous)" : ""),
  );
  if (sm.subgroup_sign_agreement !== undefined) {
    lines.push(
      `subgroups: sign agreement ${show(sm.subgroup_sign_agreement)}, significance agreement ${show(sm.subgroup_significance_agreement)}`,
    );
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  withLedgerOptions(
    withReportOptions(
      program
        .command("effects")
        .description("Treatment effects with CIs in human and simulated data side by side, per study")
        .requiredOption("--human <file>", "human outcomes: long CSV, one row per person (and study)")
        .option("--sim <file>", "simulated outcomes, same columns")
        .option(
          "--run <run>",
          "simulated outcomes from a stored run (with --db): its arms are --treated and --control",
        )
        .option("--item <item>", "--run: the item whose answers are the outcome (default: --outcome)")
        .requiredOption("--outcome <col>", "outcome column (numbers, or text with --positive)")
        .requiredOption("--arm <col>", "column holding the arm")
        .option("--treated <value>", "arm value of the treated group", "treatment")
        .option("--control <value>", "arm value of the control group", "control")
        .option("--study <col>", "column naming the study (many studies in one file)")
        .option(
          "--binary",
          "outcomes are 0/1: add risk difference and log odds ratio (detected when omitted)",
        )
        .option("--continuous", "Cohen's d for every outcome, 0/1 ones too (no log odds ratio)")
        .option("--positive <value>", "text outcome counted as 1 (others 0); implies --binary")
        .option(
          "--by <col>",
          "effects per subgroup of this column (--run: an agent attribute), with the interaction test",
        )
        .option("--weights <file>", "person weights: CSV id,weight (populace weight), matched on --id")
        .option("--weight-column <col>", "row weights from this column of the files")
        .option("--id <col>", "person id column of the files, for --weights", "person_id")
        .option("--margins <file>", "target margins: adds a sample-vs-target table to the report")
        .option("--alpha <a>", "1 − confidence level and significance threshold", "0.05")
        .option("--labels <human,sim>", "names of the two sides in output", "human,simulated"),
    ),
  ).action(async (f: EffectsFlags) => {
    checkSimSource(f, "simulated outcomes");
    if (f.weights && f.weightColumn) throw new UserError("give --weights or --weight-column, not both");
    if (f.run !== undefined && f.study !== undefined)
      throw new UserError("--study applies to --sim files; a run is one study");
    const alpha = parseAlpha(f.alpha);
    const { human, sim } = parseLabels(f.labels);
    const cols = {
      outcome: f.outcome,
      arm: f.arm,
      treated: f.treated,
      control: f.control,
      study: f.study,
      positive: f.positive,
      by: f.by,
      weight: f.weightColumn,
    };
    const weights = weightsFlag(f.weights);
    const weightOf = weights
      ? (row: Record<string, string>) =>
          row[f.id] === undefined ? undefined : weights.weights.get(row[f.id].trim())
      : undefined;
    await withRun(f, async (run) => {
      const humanRows = readArmOutcomes(f.human, cols, weightOf);
      const simRows = run
        ? runOutcomes(run, f, weights?.weights)
        : readArmOutcomes(f.sim as string, cols, weightOf);
      const res = compareEffects(humanRows, simRows, {
        alpha,
        binary: f.binary || f.positive !== undefined ? true : undefined,
        continuous: f.continuous,
        labels: { human, sim },
        by: f.by,
      });
      const about = ledgerDescription(f, run, f.human);
      const entries = effectsEntries(
        res,
        {
          command: "effects",
          ...about,
          runId: run?.data.run.id ?? null,
          inputs: {
            sim: run ? run.data.run.id : fileDigest(f.sim),
            human: fileDigest(f.human),
            weights: fileDigest(f.weights),
            cols,
            item: f.item ?? null,
            continuous: f.continuous ?? false,
          },
        },
        f.item ?? f.outcome,
      );
      const ledger = await recordInLedger(f, entries, about, run?.store);
      const extra = f.margins
        ? targetSections(f.margins, run, simAttributes(f.sim, f.id), weights?.weights)
        : [];
      emitResult(
        f,
        { ...res, ledger: { db: f.db, entries: ledger.written } },
        (o) => {
          const doc = effectsReport(res, o);
          const sides = [res.weighted.human ? human : null, res.weighted.sim ? sim : null].filter(Boolean);
          if (sides.length > 0) {
            doc.notes = [
              ...(doc.notes ?? []),
              `Weighted (${sides.join(" and ")}): weighted means and variances, every n is Kish's effective n (Σw)²/Σw².`,
            ];
          }
          return { ...doc, sections: [...doc.sections, ...subgroupSections(res), ...extra, ledger.section] };
        },
        () => `${summary(res)}${ledger.written ? `\nledger: ${ledger.written} entries in ${f.db}` : ""}`,
      );
    });
  });
}

/** The simulated file's people and their columns (the first non-empty value of each). */
function simAttributes(path: string | undefined, id: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (path === undefined) return out;
  const table = readCsv(path);
  const ii = table.header.indexOf(id);
  if (ii < 0)
    throw new UserError(`--margins needs a ${id} column in the simulated file (--id COL)`, {
      where: `${path}:1`,
    });
  for (const row of table.rows) {
    const attrs = out.get(row[ii].trim()) ?? {};
    table.header.forEach((h, j) => {
      if (attrs[h] === undefined && row[j].trim() !== "") attrs[h] = row[j].trim();
    });
    out.set(row[ii].trim(), attrs);
  }
  return out;
}
