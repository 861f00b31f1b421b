/**
 * The GSS cumulative core file (1972-2024): one row per real respondent with demographics, two
 * attitude items and the survey weights, in numeric GSS codes; labels come from its codebook.
 * PROVENANCE: weight with wtssps (person post-stratification weight, 1972-2024) or wtssall
 * (≤ 2018; empty from 2021 on).
 */
import { dataFile, parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

export const GSS_CUMULATIVE_FILES = {
  data: "gss-cumulative/gss_cumulative_core_1972_2024.csv",
  codebook: "gss-cumulative/gss_cumulative_core_codebook.csv",
} as const;

/** The weight variables of the file; wtssps covers every year. */
export const GSS_CUMULATIVE_WEIGHTS = ["wtssps", "wtssall"] as const;

export interface GssCumulativeVariable {
  name: string;
  label: string;
  /** Code → label, in code order (empty for numbers such as age and for ids and weights). */
  labels: Map<string, string>;
}

export interface GssCumulativeRespondent {
  year: number;
  id: string;
  /** Variable → label (coded variables) or the number as written (age); absent when missing. */
  values: Record<string, string>;
  /** Weight variable → weight; absent when empty in the file. */
  weights: Record<string, number>;
}

export interface GssCumulative {
  variables: Map<string, GssCumulativeVariable>;
  respondents: GssCumulativeRespondent[];
}

const cache = new Map<string, GssCumulative>();

/** The codebook's "1=male; 2=female" value labels. */
function parseLabels(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export function readGssCumulative(dataDir: string): GssCumulative {
  const cached = cache.get(dataDir);
  if (cached) return cached;
  const codebook = readCsv(dataFile(dataDir, GSS_CUMULATIVE_FILES.codebook, "GSS cumulative codebook"));
  const [vi, li, vli] = ["variable", "label", "value_labels"].map((c) => codebook.header.indexOf(c));
  if (vi < 0 || li < 0 || vli < 0) {
    throw new UserError("expected columns variable,label,value_labels", { where: `${codebook.file}:1` });
  }
  const variables = new Map<string, GssCumulativeVariable>();
  for (const row of codebook.rows) {
    variables.set(row[vi].trim(), {
      name: row[vi].trim(),
      label: row[li].trim(),
      labels: parseLabels(row[vli]),
    });
  }
  const table = readCsv(dataFile(dataDir, GSS_CUMULATIVE_FILES.data, "GSS cumulative core file"));
  const yearAt = table.header.indexOf("year");
  const idAt = table.header.indexOf("id");
  if (yearAt < 0 || idAt < 0)
    throw new UserError("expected columns year and id", { where: `${table.file}:1` });
  const weightAt = GSS_CUMULATIVE_WEIGHTS.map((w) => [w, table.header.indexOf(w)] as const);
  const valueAt = table.header.flatMap((h, i) =>
    h === "year" || h === "id" || (GSS_CUMULATIVE_WEIGHTS as readonly string[]).includes(h)
      ? []
      : [[h, i] as const],
  );
  const respondents = table.rows.map((row, r): GssCumulativeRespondent => {
    const values: Record<string, string> = {};
    for (const [name, i] of valueAt) {
      const raw = row[i].trim();
      if (raw === "") continue;
      const labels = variables.get(name)?.labels;
      values[name] = labels && labels.size > 0 && name !== "age" ? (labels.get(raw) ?? raw) : raw;
    }
    const weights: Record<string, number> = {};
    for (const [name, i] of weightAt) {
      if (i < 0) continue;
      const w = parseNumber(row[i]);
      if (w === undefined) {
        throw new UserError(`weight ${name} "${row[i]}" is not a number`, {
          where: `${table.file}:${table.lines[r]}`,
        });
      }
      if (w !== null) weights[name] = w;
    }
    return { year: Number(row[yearAt]), id: row[idAt].trim(), values, weights };
  });
  const out = { variables, respondents };
  cache.set(dataDir, out);
  return out;
}
