import { type CsvTable, column, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

/** A numeric cell, or a UserError naming file, line and column. */
export function numberCell(table: CsvTable, row: number, col: number, what: string): number {
  const raw = table.rows[row][col].trim();
  const value = raw === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) {
    throw new UserError(
      raw === ""
        ? `${what} column "${table.header[col]}" is empty`
        : `${what} column "${table.header[col]}" holds "${raw}", which is not a number`,
      { where: `${table.file}:${table.lines[row]}` },
    );
  }
  return value;
}

export function isEmptyCell(table: CsvTable, row: number, col: number): boolean {
  return table.rows[row][col].trim() === "";
}

export { column, readCsv };
