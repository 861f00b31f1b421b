import type { Command } from "commander";
import { amceJson, amceReport, estimateAmce } from "../../analysis/conjoint/index.ts";
import { readRows } from "../../analysis/regression/index.ts";
import { UserError } from "../../errors/index.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface AmceFlags extends ReportFlags {
  outcome: string;
  respondent: string;
  attributes: string;
  baseline: string[];
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
      .argument("<file>", "long CSV, one row per profile shown")
      .requiredOption("--outcome <col>", "column of the choice (1 chosen, 0 not) or rating")
      .requiredOption("--respondent <col>", "column naming the person (standard errors are clustered on it)")
      .requiredOption("--attributes <a,b,…>", "attribute columns, comma-separated")
      .option(
        "--baseline <attribute=level>",
        "baseline level of an attribute (repeatable; default: first level in sorted order)",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      ),
  ).action((file: string, f: AmceFlags) => {
    const attributes = f.attributes
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const res = estimateAmce(readRows(file), {
      outcome: f.outcome,
      respondent: f.respondent,
      attributes,
      baselines: parseBaselines(f.baseline),
    });
    const width = Math.max(
      9,
      ...res.terms.map((t) => t.attribute.length + t.level.length + 2),
      ...res.attributes.map((a) => a.name.length + a.baseline.length + 2),
    );
    const lines = [
      `${res.n_profiles} profiles, ${res.n_respondents} respondents; SEs clustered by ${f.respondent} (CR1), 95% CIs`,
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
    emitResult(
      f,
      amceJson(res),
      (o) => amceReport(res, o),
      () => lines.join("\n"),
    );
  });
}
