import { type CsvTable, parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

/**
 * Target margins: for each variable (or set of variables crossed, for post-stratification
 * cells), the population share of each level. A MARGINS file is `variable,level,share`; a joint
 * margin names its variables joined by ";" and each level as `var=value;var=value`, e.g.
 * `sex;race,sex=Female;race=Black,0.077`.
 */

/** Shares of one variable (or crossed variables) must sum to 1 within this. */
export const SHARE_TOLERANCE = 1e-6;

export interface MarginCell {
  /** The level as written, e.g. "Female" or "sex=Female;race=Black". */
  level: string;
  /** One value per variable of the margin, in the margin's variable order. */
  values: string[];
  share: number;
  /** Where the cell is defined, for messages. */
  where: string;
}

export interface Margin {
  /** "sex", or "sex;race" for crossed variables. */
  name: string;
  variables: string[];
  cells: MarginCell[];
}

/** Levels match ignoring case and runs of spaces ("High school" = "high  school"). */
export function levelKey(value: string): string {
  return value.trim().replace(/\s+/g, " ").toLowerCase();
}

/** The key of a person's cell in a margin: their values of its variables, as level keys. */
export function cellKey(values: readonly string[]): string {
  return values.map(levelKey).join("\u0000");
}

export function readMargins(path: string): Margin[] {
  return parseMargins(readCsv(path));
}

export function parseMargins(table: CsvTable): Margin[] {
  for (const c of ["variable", "level", "share"]) {
    if (!table.header.includes(c)) {
      throw new UserError(`missing column "${c}" (a margins file is variable,level,share)`, {
        where: `${table.file}:1`,
      });
    }
  }
  const at = (c: string) => table.header.indexOf(c);
  const margins = new Map<string, Margin>();
  const seen = new Map<string, string>();
  table.rows.forEach((row, i) => {
    const where = `${table.file}:${table.lines[i]}`;
    const name = row[at("variable")].trim();
    const level = row[at("level")].trim();
    const shareText = row[at("share")].trim();
    if (name === "") throw new UserError("empty variable", { where });
    if (level === "") throw new UserError(`empty level of ${name}`, { where });
    const share = parseNumber(shareText);
    if (share === null || share === undefined || share < 0 || share > 1) {
      throw new UserError(`share "${shareText}" of ${name} = ${level} is not a number in [0, 1]`, { where });
    }
    const variables = name.split(";").map((v) => v.trim());
    if (variables.some((v) => v === "") || new Set(variables).size !== variables.length) {
      throw new UserError(`variable "${name}" must name distinct variables joined by ";"`, { where });
    }
    let values: string[];
    if (variables.length === 1) values = [level];
    else {
      const parts = new Map<string, string>();
      for (const part of level.split(";")) {
        const eq = part.indexOf("=");
        if (eq < 0) {
          throw new UserError(
            `level "${level}" of ${name} must read ${variables.map((v) => `${v}=…`).join(";")}`,
            {
              where,
            },
          );
        }
        parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
      values = variables.map((v) => {
        const value = parts.get(v);
        if (value === undefined || value === "") {
          throw new UserError(`level "${level}" of ${name} gives no value for ${v}`, { where });
        }
        return value;
      });
      if (parts.size !== variables.length) {
        throw new UserError(`level "${level}" names variables that are not in "${name}"`, { where });
      }
    }
    const key = `${variables.join(";")}\u0001${cellKey(values)}`;
    const first = seen.get(key);
    if (first) throw new UserError(`${name} = ${level} is defined twice (first at ${first})`, { where });
    seen.set(key, where);
    let m = margins.get(name);
    if (!m) {
      m = { name, variables, cells: [] };
      margins.set(name, m);
    }
    m.cells.push({ level, values, share, where });
  });
  if (margins.size === 0)
    throw new UserError("no margins (the file has a header only)", { where: table.file });
  const all = [...margins.values()];
  for (const m of all) {
    const sum = m.cells.reduce((a, c) => a + c.share, 0);
    if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
      throw new UserError(
        `the shares of ${m.name} sum to ${sum}, not 1 (tolerance ${SHARE_TOLERANCE.toExponential(0)}); every level of a variable needs its share`,
        { where: m.cells[0].where },
      );
    }
  }
  const used = new Map<string, string>();
  for (const m of all) {
    for (const v of m.variables) {
      const other = used.get(v);
      if (other !== undefined) {
        throw new UserError(
          `${v} appears in two margins (${other} and ${m.name}); give each variable one margin`,
          {
            where: m.cells[0].where,
          },
        );
      }
      used.set(v, m.name);
    }
  }
  return all;
}

/** A margins file's text: `variable,level,share`, shares written in full precision. */
export function marginsCsv(margins: readonly Margin[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = ["variable,level,share"];
  for (const m of margins)
    for (const c of m.cells) lines.push(`${quote(m.name)},${quote(c.level)},${c.share}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Weighted shares of each margin's levels in a data set (e.g. the GSS with its survey weight):
 * Σ weight of the rows in the level / Σ weight of the rows with a value for every variable of
 * the margin. `levels` gives each variable's levels in order; values outside them are missing.
 */
export function weightedMargins(
  rows: readonly { values: Record<string, string | undefined>; weight: number }[],
  variables: readonly string[][],
  levels: ReadonlyMap<string, readonly string[]>,
): Margin[] {
  return variables.map((vars) => {
    const name = vars.join(";");
    const totals = new Map<string, number>();
    let sum = 0;
    for (const r of rows) {
      const values = vars.map((v) => r.values[v]);
      if (values.some((v, j) => v === undefined || !levels.get(vars[j])?.includes(v))) continue;
      const key = (values as string[]).join("\u0000");
      totals.set(key, (totals.get(key) ?? 0) + r.weight);
      sum += r.weight;
    }
    if (!(sum > 0)) throw new UserError(`no rows with a value for ${name}`);
    // Every combination of levels, in level order (a combination nobody has gets share 0).
    let combos: string[][] = [[]];
    for (const v of vars) combos = combos.flatMap((c) => (levels.get(v) ?? []).map((l) => [...c, l]));
    return {
      name,
      variables: [...vars],
      cells: combos.map((values) => ({
        level: vars.length === 1 ? values[0] : vars.map((v, j) => `${v}=${values[j]}`).join(";"),
        values,
        share: (totals.get(values.join("\u0000")) ?? 0) / sum,
        where: name,
      })),
    };
  });
}
