import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { canonicalAttributeName } from "../../agents/index.ts";
import {
  computeWeights,
  type Margin,
  readMargins,
  type SamplePerson,
  type WeightingResult,
} from "../../analysis/weighting/index.ts";
import { column, csvLine, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { intFlag, numberFlag } from "../options.ts";

interface WeightFlags {
  margins: string;
  method: string;
  id?: string;
  cap?: string;
  maxIter: string;
  epsilon: string;
  out?: string;
  json?: boolean;
}

/**
 * The sample's people, one per id (a file with several rows per person, such as `populace
 * results`, is collapsed; the rows must agree on the weighting variables). A margin variable the
 * file lacks may be found under another spelling of the same attribute (agent bank
 * `highest_degree_received` is GSS `degree`); `notes` says so.
 */
export function readSample(
  path: string,
  margins: readonly Margin[],
  idColumn: string | undefined,
): { people: SamplePerson[]; idColumn: string; notes: string[] } {
  const table = readCsv(path);
  const id = idColumn ?? ["person_id", "id"].find((c) => table.header.includes(c));
  if (id === undefined) {
    throw new UserError(
      `no person_id or id column; name the id column with --id (columns: ${table.header.join(", ")})`,
      {
        where: `${path}:1`,
      },
    );
  }
  const idAt = column(table, id);
  const notes: string[] = [];
  const variables = [...new Set(margins.flatMap((m) => m.variables))];
  const at = new Map<string, number>();
  for (const v of variables) {
    let i = table.header.indexOf(v);
    if (i < 0) {
      i = table.header.findIndex((h) => canonicalAttributeName(h) === canonicalAttributeName(v));
      if (i < 0) {
        throw new UserError(
          `the margins weight on ${v}, but the sample has no such column (columns: ${table.header.join(", ")})`,
          {
            where: `${path}:1`,
          },
        );
      }
      notes.push(`${v}: column ${table.header[i]}`);
    }
    at.set(v, i);
  }
  const people = new Map<string, SamplePerson>();
  table.rows.forEach((row, r) => {
    const where = `${path}:${table.lines[r]}`;
    const pid = row[idAt].trim();
    if (pid === "") throw new UserError(`empty ${id}`, { where });
    const values: Record<string, string> = {};
    for (const [v, i] of at) values[v] = row[i].trim();
    const seen = people.get(pid);
    if (seen) {
      const differs = variables.find((v) => seen.values[v] !== values[v]);
      if (differs) {
        throw new UserError(
          `person "${pid}" has ${differs} = "${values[differs]}" here but "${seen.values[differs]}" at ${seen.where}`,
          { where },
        );
      }
      return;
    }
    people.set(pid, { id: pid, values, where });
  });
  return { people: [...people.values()], idColumn: id, notes };
}

function summary(r: WeightingResult): string {
  const f = (x: number) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(3));
  return (
    `${r.method === "rake" ? "raked" : "post-stratified"} ${r.n} people` +
    (r.method === "rake" ? ` in ${r.iterations} iterations` : "") +
    `; largest margin error ${f(r.max_margin_error)}; weights ${f(r.min_weight)} to ${f(r.max_weight)}` +
    (r.cap !== null ? ` (cap ${r.cap})` : "") +
    `; design effect ${f(r.design_effect)}, effective n ${r.effective_n.toFixed(1)}`
  );
}

export function register(program: Command): void {
  program
    .command("weight")
    .description("Weight a sample to target margins by raking or post-stratification (weights have mean 1)")
    .argument("<sample>", "CSV with one row per person (rows repeating a person are collapsed)")
    .requiredOption("--margins <file>", "target margins: CSV variable,level,share (see populace margins)")
    .option("--method <method>", "rake | poststratify", "rake")
    .option("--id <col>", "id column (default: person_id, else id)")
    .option("--cap <c>", "largest weight: trim above it and rake again")
    .option("--max-iter <n>", "most raking iterations", "1000")
    .option("--epsilon <e>", "converged when every weighted share is within e of its target", "1e-10")
    .option("--out <file>", "write id,weight to this file instead of stdout")
    .option("--json", "print one JSON document (the weights and the figures)")
    .action((sample: string, flags: WeightFlags) => {
      if (flags.method !== "rake" && flags.method !== "poststratify") {
        throw new UserError(`--method must be rake or poststratify, got "${flags.method}"`);
      }
      const margins = readMargins(flags.margins);
      const { people, notes } = readSample(sample, margins, flags.id);
      const result = computeWeights(people, margins, {
        method: flags.method,
        cap: numberFlag("cap", flags.cap, (c) => c > 1, "a number > 1"),
        maxIter: intFlag(flags.maxIter, "--max-iter", 1),
        epsilon: numberFlag("epsilon", flags.epsilon, (e) => e > 0, "a number > 0"),
      });
      const csv = `${csvLine(["id", "weight"])}\n${result.weights.map((w) => csvLine([w.id, w.weight])).join("\n")}\n`;
      if (flags.out) {
        try {
          writeFileSync(flags.out, csv);
        } catch (error) {
          throw new UserError(
            `cannot write the weights (${(error as NodeJS.ErrnoException).code ?? error})`,
            {
              where: flags.out,
            },
          );
        }
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...result, columns: notes }, null, 2)}\n`);
        return;
      }
      if (!flags.out) process.stdout.write(csv);
      for (const n of notes) process.stderr.write(`note: ${n}\n`);
      process.stderr.write(`${summary(result)}${flags.out ? `; weights in ${flags.out}` : ""}\n`);
    });
}
