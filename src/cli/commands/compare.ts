import type { Command } from "commander";
import {
  type AnswerType,
  compareFidelity,
  type FidelityResult,
  fidelityReport,
} from "../../analysis/fidelity/index.ts";
import { UserError } from "../../errors/index.ts";
import { gssOptionRank } from "../../instruments/index.ts";
import { intFlag } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { countProgress } from "../progress.ts";

interface CompareFlags extends ReportFlags {
  sim: string;
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
  withReportOptions(
    program
      .command("compare")
      .description("Individual-level fidelity of simulated answers to the same people's real answers")
      .requiredOption("--sim <file>", "simulated answers: CSV person_id,item,answer")
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
      ),
  ).action((flags: CompareFlags) => {
    if (flags.type !== "categorical" && flags.type !== "numeric") {
      throw new UserError(`--type must be categorical or numeric, got "${flags.type}"`);
    }
    const coherence = flags.coherence.map((pair) => {
      const [belief, action, ...rest] = pair.split(":");
      if (!belief || !action || rest.length > 0) {
        throw new UserError(`--coherence expects BELIEF_ITEM:ACTION_ITEM, got "${pair}"`);
      }
      return { belief, action };
    });
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
      { sim: flags.sim, human: flags.human, retest: flags.retest },
      {
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
    emitResult(
      flags,
      res,
      (o) => fidelityReport(res, o),
      () => summary(res),
    );
  });
}
