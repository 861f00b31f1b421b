import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { marginsCsv, weightedMargins } from "../../analysis/weighting/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { GSS_CUMULATIVE_WEIGHTS, readGssCumulative } from "../../datasets/index.ts";
import { UserError } from "../../errors/index.ts";
import { intFlag } from "../options.ts";

interface MarginsFlags {
  data: string;
  year: string;
  vars: string;
  weight: string;
  out?: string;
  dataDir?: string;
}

/** Weighted population shares from real survey data, as a margins file for `populace weight`. */
export function register(program: Command): void {
  program
    .command("margins")
    .description("Write target margins (variable,level,share) from real survey data, with its survey weight")
    .requiredOption("--data <name>", "data set: gss-cumulative (GSS 1972-2024 core file)")
    .requiredOption("--year <year>", "survey year, e.g. 2022")
    .requiredOption("--vars <list>", 'comma-separated variables; "sex;race" gives crossed cells')
    .option("--weight <var>", `survey weight: ${GSS_CUMULATIVE_WEIGHTS.join(" or ")}`, "wtssps")
    .option("--out <file>", "write the margins to this file instead of stdout")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .action((flags: MarginsFlags) => {
      if (flags.data !== "gss-cumulative") {
        throw new UserError(`--data must be gss-cumulative, got "${flags.data}"`);
      }
      if (!(GSS_CUMULATIVE_WEIGHTS as readonly string[]).includes(flags.weight)) {
        throw new UserError(
          `--weight must be one of ${GSS_CUMULATIVE_WEIGHTS.join(", ")}, got "${flags.weight}"`,
        );
      }
      const year = intFlag(flags.year, "--year", 1972);
      const gss = readGssCumulative(resolveDataDir(flags.dataDir));
      const vars = flags.vars
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean)
        .map((v) => v.split(";").map((x) => x.trim()));
      if (vars.length === 0) throw new UserError("--vars names no variables");
      const levels = new Map<string, string[]>();
      for (const v of vars.flat()) {
        const meta = gss.variables.get(v);
        if (!meta || meta.labels.size === 0 || v === "age") {
          const coded = [...gss.variables.values()]
            .filter((m) => m.labels.size > 0 && m.name !== "age")
            .map((m) => m.name);
          throw new UserError(
            `--vars: "${v}" is not a coded variable of the GSS core file (coded: ${coded.join(", ")})`,
          );
        }
        levels.set(v, [...meta.labels.values()]);
      }
      const inYear = gss.respondents.filter((r) => r.year === year);
      if (inYear.length === 0) throw new UserError(`the GSS core file has no respondents in ${year}`);
      const weighted = inYear.filter((r) => r.weights[flags.weight] !== undefined);
      if (weighted.length === 0) {
        throw new UserError(
          `${flags.weight} is empty for every ${year} respondent` +
            (flags.weight === "wtssall" ? " (it ends with 2018; use wtssps)" : ""),
        );
      }
      const margins = weightedMargins(
        weighted.map((r) => ({ values: r.values, weight: r.weights[flags.weight] })),
        vars,
        levels,
      );
      const csv = marginsCsv(margins);
      if (flags.out) writeFileSync(flags.out, csv);
      else process.stdout.write(csv);
      const used = vars.map(
        (vs) =>
          `${vs.join(";")} ${weighted.filter((r) => vs.every((v) => r.values[v] !== undefined)).length}`,
      );
      process.stderr.write(
        `GSS ${year}: ${inYear.length} respondents, weighted by ${flags.weight}; with a value: ${used.join(", ")}` +
          `${flags.out ? `; margins in ${flags.out}` : ""}\n`,
      );
    });
}
