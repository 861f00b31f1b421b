import { type CsvTable, column, isMissingValue, parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

/** A numeric cell, or a UserError naming file, line and column (missing values included). */
export function numberCell(table: CsvTable, row: number, col: number, what: string): number {
  const raw = table.rows[row][col].trim();
  const value = parseNumber(raw);
  if (value === null || value === undefined) {
    throw new UserError(
      value === null
        ? `${what} column "${table.header[col]}" is ${raw === "" ? "empty" : `missing ("${raw}")`}`
        : `${what} column "${table.header[col]}" holds "${raw}", which is not a number`,
      { where: `${table.file}:${table.lines[row]}` },
    );
  }
  return value;
}

/** A missing value: empty, NA, NaN or "." (see data/number.ts). */
export function isEmptyCell(table: CsvTable, row: number, col: number): boolean {
  return isMissingValue(table.rows[row][col]);
}

export { column, readCsv };
