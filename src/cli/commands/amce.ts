import type { Command } from "commander";
import {
  type AmceEstimate,
  amceJson,
  amceReport,
  estimateAmce,
  repeatedTaskAgreement,
} from "../../analysis/conjoint/index.ts";
import { readRows } from "../../analysis/regression/index.ts";
import { readConjointRun } from "../../conjoint/index.ts";
import { UserError } from "../../errors/index.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { withStoredRun } from "../runs.ts";

interface AmceFlags extends ReportFlags {
  outcome?: string;
  respondent?: string;
  attributes?: string;
  baseline: string[];
  run?: string;
  db: string;
  arm?: string;
}

/** --baseline "Attribute=level", repeatable; the first "=" separates the two (levels may hold "="). */
function parseBaselines(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf("=");
    const attribute = i > 0 ? v.slice(0, i).trim() : "";
    const level = i > 0 ? v.slice(i + 1).trim() : "";
    if (!attribute || !level) throw new UserError(`--baseline expects ATTRIBUTE=LEVEL, got "${v}"`);
    if (attribute in out) throw new UserError(`--baseline names "${attribute}" twice`);
    out[attribute] = level;
  }
  return out;
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The AMCEs of a stored conjoint run: the profiles stored with its jobs and the choices in its
 * rows (people with a task left unanswered are left out and counted), and the repeated task's
 * agreement, the simulated people's test-retest.
 */
async function runProfiles(
  f: AmceFlags,
): Promise<{ res: AmceEstimate; notes: string[]; json: Record<string, unknown> }> {
  return withStoredRun(f.db, f.run, async (store, run, spec) => {
    const i = spec.instrument;
    if (!("template" in i) || i.template !== "conjoint")
      throw new UserError(`run ${run.id} is not a conjoint study (its instrument is not template: conjoint)`);
    const c = await readConjointRun(store, run.id, f.arm);
    if (c.rows.length === 0)
      throw new UserError(`run ${run.id} has no person with every task answered (see populace report)`);
    const names = i.attributes.map((a) => a.name);
    const attributes = f.attributes ? splitList(f.attributes) : names;
    const unknown = attributes.find((a) => !names.includes(a));
    if (unknown)
      throw new UserError(
        `--attributes: "${unknown}" is not an attribute of the design (${names.join(", ")})`,
      );
    const res = estimateAmce(
      {
        name: `run ${run.id}`,
        rows: c.rows.map((r) => ({ person: r.respondent, chosen: r.chosen, ...r.levels })),
      },
      { outcome: "chosen", respondent: "person", attributes, baselines: parseBaselines(f.baseline) },
    );
    const repeated = c.repeated.length > 0 ? repeatedTaskAgreement(c.repeated) : null;
    const notes = [
      `run ${run.id}, arm ${c.arm}${c.arms.length > 1 ? ` (arms: ${c.arms.join(", ")}; --arm chooses)` : ""}`,
    ];
    if (repeated)
      notes.push(
        `repeated task: ${Math.round(repeated.agreement * repeated.n)} of ${repeated.n} chose the same profile again, ` +
          `${repeated.agreement.toFixed(3)} [${repeated.lower.toFixed(3)}, ${repeated.upper.toFixed(3)}] (Wilson 95%)`,
      );
    if (c.leftOut.length > 0)
      notes.push(
        `left out: ${c.leftOut.length} people with a task without a valid choice (e.g. ${c.leftOut[0].respondent}: ${c.leftOut[0].reason})`,
      );
    return {
      res,
      notes,
      json: { run: run.id, arm: c.arm, repeated_task: repeated, left_out: c.leftOut.length },
    };
  });
}

/** Three decimals with a sign column; a value that rounds to zero shows as 0.000 whatever its sign. */
const num = (v: number) => {
  const s = v.toFixed(3);
  return s === "-0.000" ? " 0.000" : (v >= 0 ? " " : "") + s;
};

export function register(program: Command): void {
  withReportOptions(
    program
      .command("amce")
      .description("Conjoint AMCEs: OLS of the choice on level dummies, SEs clustered by respondent (CR1)")
      .argument("[file]", "long CSV, one row per profile shown")
      .option("--outcome <col>", "FILE: column of the choice (1 chosen, 0 not) or rating")
      .option("--respondent <col>", "FILE: column naming the person (standard errors are clustered on it)")
      .option("--attributes <a,b,…>", "FILE: attribute columns, comma-separated (--run: the design's)")
      .option(
        "--run <run>",
        "the profiles and choices of a stored conjoint run (with --db) instead of a file",
      )
      .option("--db <file>", "SQLite database of --run", "populace.db")
      .option("--arm <arm>", "--run: the arm whose choices are estimated (default: the run's first)")
      .option(
        "--baseline <attribute=level>",
        "baseline level of an attribute (repeatable; default: first level in sorted order)",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      ),
  ).action(async (file: string | undefined, f: AmceFlags) => {
    if ((file === undefined) === (f.run === undefined))
      throw new UserError("give the profiles as FILE or as --run RUN (with --db FILE), not both or neither");
    let res: AmceEstimate;
    const notes: string[] = [];
    let runJson: Record<string, unknown> | undefined;
    let respondent = f.respondent ?? "respondent";
    if (f.run !== undefined) {
      for (const flag of ["outcome", "respondent"] as const)
        if (f[flag] !== undefined) throw new UserError(`--${flag} is for FILE; a run's columns are known`);
      const fromRun = await runProfiles(f);
      res = fromRun.res;
      notes.push(...fromRun.notes);
      runJson = fromRun.json;
      respondent = "person";
    } else {
      for (const flag of ["outcome", "respondent", "attributes"] as const)
        if (f[flag] === undefined) throw new UserError(`--${flag} is required with FILE`);
      res = estimateAmce(readRows(file!), {
        outcome: f.outcome!,
        respondent: f.respondent!,
        attributes: splitList(f.attributes!),
        baselines: parseBaselines(f.baseline),
      });
    }
    const width = Math.max(
      9,
      ...res.terms.map((t) => t.attribute.length + t.level.length + 2),
      ...res.attributes.map((a) => a.name.length + a.baseline.length + 2),
    );
    const lines = [
      `${res.n_profiles} profiles, ${res.n_respondents} respondents; SEs clustered by ${respondent} (CR1), 95% CIs`,
      `${"term".padEnd(width)}   AMCE     SE     95% CI`,
    ];
    for (const a of res.attributes) {
      lines.push(`${`${a.name}: ${a.baseline}`.padEnd(width)}   (baseline)`);
      for (const t of res.terms.filter((x) => x.attribute === a.name)) {
        lines.push(
          `${`${t.attribute}: ${t.level}`.padEnd(width)} ${num(t.estimate)}  ${t.se.toFixed(3)}  [${num(t.lower)}, ${num(t.upper)}]`,
        );
      }
    }
    lines.push(...notes);
    emitResult(
      f,
      { ...amceJson(res), ...(runJson ?? {}) },
      (o) => amceReport(res, { ...o, notes }),
      () => lines.join("\n"),
    );
  });
}
