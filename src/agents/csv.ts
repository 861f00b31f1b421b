import { column, readCsv } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { seededSample, valueAllowed } from "./sample.ts";
import type { Agent } from "./types.ts";

export interface CsvAgentOptions {
  /** Column holding each person's unique id. */
  idColumn: string;
  /** Columns that become attributes (default: every column except the id). */
  columns?: string[];
  n?: number;
  seed: number | string;
  /** column → allowed values (case and punctuation ignored); rows outside are skipped. */
  where?: Record<string, string[]>;
}

/** Agents from any CSV of demographic columns, one row per person. */
export function loadCsvAgents(path: string, options: CsvAgentOptions): Agent[] {
  const table = readCsv(path);
  const idCol = column(table, options.idColumn);
  const names = options.columns ?? table.header.filter((_, i) => i !== idCol);
  const cols = names.map((name) => ({ name, i: column(table, name) }));
  const where = Object.entries(options.where ?? {}).map(([name, values]) => {
    if (!Array.isArray(values) || values.length === 0) {
      throw new UserError("expected a non-empty list of allowed values", { where: `where.${name}` });
    }
    return { i: column(table, name), values };
  });
  const firstLine = new Map<string, number>();
  const agents: Agent[] = [];
  table.rows.forEach((row, r) => {
    const line = table.lines[r];
    const id = row[idCol].trim();
    if (id === "") {
      throw new UserError(`empty id in column "${options.idColumn}"`, {
        where: `${table.file}:${line}:${idCol + 1}`,
      });
    }
    const earlier = firstLine.get(id);
    if (earlier !== undefined) {
      throw new UserError(`duplicate id "${id}" in column "${options.idColumn}" (first on line ${earlier})`, {
        where: `${table.file}:${line}:${idCol + 1}`,
      });
    }
    firstLine.set(id, line);
    if (!where.every(({ i, values }) => valueAllowed(row[i].trim(), values))) return;
    const attributes: Record<string, string> = {};
    for (const { name, i } of cols) {
      const value = row[i].trim();
      if (value !== "") attributes[name] = value;
    }
    agents.push({ id, source: "csv", attributes });
  });
  return seededSample(
    agents,
    options.n,
    options.seed,
    `rows of ${table.file}${where.length ? " match the filter" : ""}`,
  );
}
