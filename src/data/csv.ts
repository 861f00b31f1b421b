import { readFileSync } from "node:fs";
import { UserError } from "../errors/index.ts";

/** A parsed CSV table. `lines[i]` is the 1-based line in the file where row i starts. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  lines: number[];
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. A BOM is dropped.
 * Rows whose field count differs from the header are an error naming file and line.
 */
export function parseCsv(text: string, file = "<csv>"): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const starts: number[] = [];
  let field = "";
  let record: string[] = [];
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      atFieldStart = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      if (!(record.length === 1 && record[0] === "")) {
        records.push(record);
        starts.push(recordLine);
      }
      record = [];
      field = "";
      atFieldStart = true;
      line++;
      recordLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (inQuotes) throw new UserError(`unterminated quoted field`, { where: `${file}:${recordLine}` });
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
    starts.push(recordLine);
  }
  if (records.length === 0) throw new UserError("file is empty (no header row)", { where: file });
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  const lines = starts.slice(1);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== header.length) {
      throw new UserError(`expected ${header.length} fields (as in the header), found ${rows[i].length}`, {
        where: `${file}:${lines[i]}`,
      });
    }
  }
  return { file, header, rows, lines };
}

export function readCsv(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read CSV file (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: path,
    });
  }
  return parseCsv(text, path);
}

/** Index of a column, or a UserError listing the columns that exist. */
export function column(table: CsvTable, name: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    throw new UserError(`no column "${name}" (columns: ${table.header.join(", ")})`, { where: table.file });
  }
  return i;
}

/** Rows as objects keyed by header. */
export function records(table: CsvTable): Record<string, string>[] {
  return table.rows.map((row) => Object.fromEntries(table.header.map((h, i) => [h, row[i]])));
}

/** Quote a value for CSV output when needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(",");
}
