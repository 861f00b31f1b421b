import { parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

/** Person id → weight, with where each weight was read. */
export interface WeightMap {
  file: string;
  weights: Map<string, number>;
}

/**
 * A weights file: `id,weight` as `populace weight` writes it (the first column holds the person
 * id whatever its name; the weight column is "weight"). Weights must be numbers ≥ 0.
 */
export function readWeights(path: string): WeightMap {
  const table = readCsv(path);
  const wi = table.header.indexOf("weight");
  if (wi < 0 || table.header.length < 2) {
    throw new UserError('a weights file has an id column first and a "weight" column (id,weight)', {
      where: `${path}:1`,
    });
  }
  const ii = wi === 0 ? 1 : 0;
  const weights = new Map<string, number>();
  table.rows.forEach((row, i) => {
    const where = `${path}:${table.lines[i]}`;
    const id = row[ii].trim();
    if (id === "") throw new UserError(`empty ${table.header[ii]}`, { where });
    if (weights.has(id)) throw new UserError(`person "${id}" has two weights`, { where });
    const w = parseNumber(row[wi]);
    if (w === null || w === undefined || w < 0) {
      throw new UserError(`weight "${row[wi].trim()}" is not a number ≥ 0`, { where });
    }
    weights.set(id, w);
  });
  if (weights.size === 0) throw new UserError("no weights (the file has a header only)", { where: path });
  return { file: path, weights };
}
