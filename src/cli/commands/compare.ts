import type { Command } from "commander";
import {
  type AnswerType,
  compareFidelity,
  type FidelityResult,
  fidelityReport,
} from "../../analysis/fidelity/index.ts";
import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { gssOptionRank } from "../../instruments/index.ts";
import { compareEntries } from "../../ledger/index.ts";
import { chooseArm, simAnswerRows } from "../../results/index.ts";
import { fileDigest, type LedgerFlags, recordInLedger, withLedgerOptions } from "../ledger.ts";
import { coherencePairs, intFlag } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { countProgress } from "../progress.ts";
import {
  checkSimSource,
  ledgerDescription,
  targetSections,
  weightColumn,
  weightsFlag,
  withRun,
} from "../run-input.ts";

interface CompareFlags extends ReportFlags, LedgerFlags {
  sim?: string;
  run?: string;
  simArm?: string;
  weights?: string;
  weightColumn?: string;
  margins?: string;
  human: string;
  retest?: string;
  type: string;
  by?: string;
  minGroup: string;
  bootstrap?: string;
  seed: string;
  coherence: string[];
}

function show(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return v === null ? "—" : String(v);
}

function summary(res: FidelityResult): string {
  const o = res.overall as Record<string, unknown>;
  const ci = (o.ci ?? {}) as Record<string, [number | null, number | null]>;
  const lines = [`${res.type} fidelity: ${o.n_pairs} pairs, ${o.n_persons} persons, ${o.n_items} items`];
  if (res.weights) {
    lines.push(
      `weighted by ${res.weights.file}` +
        (res.weights.human_left_out > 0
          ? ` (${res.weights.human_left_out} human people without a weight left out)`
          : ""),
    );
  }
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("n_") || (typeof v !== "number" && v !== null)) continue;
    const interval = ci[k] ? `  [${show(ci[k][0])}, ${show(ci[k][1])}]` : "";
    lines.push(`  ${k.padEnd(28)} ${show(v)}${interval}`);
  }
  for (const [col, sg] of Object.entries(res.subgroups)) {
    lines.push(`by ${col}: DPD (${sg.metric}) = ${show(sg.dpd)}`);
    for (const g of sg.order) {
      const v = sg.groups[g];
      lines.push(
        `  ${g.padEnd(28)} n=${v.n_persons}  ${sg.metric}=${show(v[sg.metric])}${v.in_dpd ? "" : "  (small)"}`,
      );
    }
  }
  for (const c of res.coherence ?? []) {
    lines.push(
      `coherence ${c.belief} → ${c.action}: human r=${show(c.human_r)} sim r=${show(c.sim_r)} (n=${c.n})`,
    );
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  withLedgerOptions(
    withReportOptions(
      program
        .command("compare")
        .description("Individual-level fidelity of simulated answers to the same people's real answers")
        .option("--sim <file>", "simulated answers: CSV person_id,item,answer")
        .option("--run <run>", "simulated answers from a stored run (with --db) instead of --sim")
        .option("--sim-arm <arm>", "--run: the arm whose answers are compared (default: the run's first)")
        .requiredOption("--human <file>", "human answers: CSV person_id,item,answer[,person attributes…]")
        .option("--retest <file>", "the same humans answering again (sets the test-retest ceiling)")
        .option("--type <type>", "categorical | numeric", "categorical")
        .option("--by <cols>", "comma-separated person attributes (from the human file) to split by")
        .option("--min-group <n>", "groups with fewer persons are left out of the DPD", "10")
        .option("--bootstrap <B>", "percentile bootstrap CIs over persons with B resamples")
        .option("--seed <seed>", "bootstrap seed", "1")
        .option(
          "--coherence <belief:action>",
          "belief–action item pair (repeatable)",
          (v: string, acc: string[]) => [...acc, v],
          [] as string[],
        )
        .option("--weights <file>", "person weights: CSV id,weight (populace weight); weighs both sides")
        .option("--weight-column <col>", "person weights from this column of the human file")
        .option("--margins <file>", "target margins: adds a sample-vs-target table to the report"),
    ),
  ).action(async (flags: CompareFlags) => {
    checkSimSource(flags);
    if (flags.weights && flags.weightColumn)
      throw new UserError("give --weights or --weight-column, not both");
    if (flags.type !== "categorical" && flags.type !== "numeric") {
      throw new UserError(`--type must be categorical or numeric, got "${flags.type}"`);
    }
    const coherence = coherencePairs(flags.coherence);
    await withRun(flags, async (run) => {
      const arm = run ? chooseArm(run.data, flags.simArm) : undefined;
      const sim = run
        ? {
            name: `run ${run.data.run.id}${run.data.arms.length > 1 ? ` (arm ${arm})` : ""}`,
            rows: simAnswerRows(run.data, arm!),
          }
        : (flags.sim as string);
      const weights = flags.weights
        ? weightsFlag(flags.weights)
        : flags.weightColumn
          ? weightColumn(flags.human, flags.weightColumn)
          : undefined;
      const by = flags.by
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      // GSS attributes (polviews, degree, …) are shown in the codebook's order, not alphabetically.
      const valueRank: Record<string, (value: string) => number | undefined> = {};
      for (const column of by ?? []) {
        const rank = gssOptionRank(column);
        if (rank) valueRank[column] = rank;
      }
      const progress = flags.bootstrap && !flags.json ? countProgress("bootstrap resamples") : undefined;
      const res = compareFidelity(
        { sim, human: flags.human, retest: flags.retest },
        {
          weights: weights ? { name: weights.file, weights: weights.weights } : undefined,
          type: flags.type as AnswerType,
          by,
          valueRank,
          minGroup: intFlag(flags.minGroup, "--min-group", 0),
          bootstrap: flags.bootstrap
            ? {
                B: intFlag(flags.bootstrap, "--bootstrap", 1),
                seed: flags.seed,
                onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
              }
            : undefined,
          coherence,
        },
      );
      progress?.stop();
      const about = ledgerDescription(flags, run, flags.human);
      const entries = compareEntries(res, {
        command: "compare",
        ...about,
        runId: run?.data.run.id ?? null,
        inputs: {
          sim: run ? { run: run.data.run.id, arm } : fileDigest(flags.sim),
          human: fileDigest(flags.human),
          retest: fileDigest(flags.retest),
          weights: fileDigest(flags.weights),
          weightColumn: flags.weightColumn ?? null,
          type: flags.type,
        },
      });
      const ledger = await recordInLedger(flags, entries, about, run?.store);
      const extra = flags.margins
        ? targetSections(flags.margins, run, humanAttributes(flags.human), weights?.weights, [
            ...new Set(simPersons(sim)),
          ])
        : [];
      emitResult(
        flags,
        { ...res, ledger: { db: flags.db, entries: ledger.written } },
        (o) => {
          const doc = fidelityReport(res, o);
          const weighted = res.weights
            ? [
                `Weighted by ${res.weights.file}: accuracy, errors and answer shares count each person with their weight` +
                  (res.weights.human_left_out > 0
                    ? `; ${res.weights.human_left_out} human people without a weight are left out.`
                    : "."),
              ]
            : [];
          return {
            ...doc,
            notes: [...(doc.notes ?? []), ...weighted],
            sections: [...doc.sections, ...extra, ledger.section],
          };
        },
        () => `${summary(res)}${ledger.written ? `\nledger: ${ledger.written} entries in ${flags.db}` : ""}`,
      );
    });
  });
}

/** Person attributes of a long human file (the first non-empty value of each column). */
function humanAttributes(path: string): Map<string, Record<string, string>> {
  const table = readCsv(path);
  const pi = table.header.indexOf("person_id");
  const out = new Map<string, Record<string, string>>();
  for (const row of table.rows) {
    const person = row[pi]?.trim();
    if (!person) continue;
    const attrs = out.get(person) ?? {};
    table.header.forEach((h, j) => {
      if (
        h !== "person_id" &&
        h !== "item" &&
        h !== "answer" &&
        attrs[h] === undefined &&
        row[j].trim() !== ""
      ) {
        attrs[h] = row[j].trim();
      }
    });
    out.set(person, attrs);
  }
  return out;
}

/** The people of the simulated side. */
function simPersons(sim: string | { rows: { person_id: string }[] }): string[] {
  if (typeof sim !== "string") return sim.rows.map((r) => r.person_id);
  const table = readCsv(sim);
  const pi = table.header.indexOf("person_id");
  return table.rows.map((r) => r[pi].trim());
}
