import { readFileSync } from "node:fs";
import { UserError } from "../errors/index.ts";

/** One JSON value of a JSON Lines file with the 1-based line it came from. */
export interface JsonlRecord {
  line: number;
  value: unknown;
}

/** JSON Lines: one JSON value a line; blank lines are skipped; a line that is not JSON names file:line. */
export function parseJsonl(text: string, file = "<jsonl>"): JsonlRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: JsonlRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, "");
    if (raw.trim() === "") continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (error) {
      throw new UserError(`not valid JSON (${(error as Error).message})`, { where: `${file}:${i + 1}` });
    }
  }
  return out;
}

export function readJsonl(path: string): JsonlRecord[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: path,
    });
  }
  return parseJsonl(text, path);
}

/** JSON Lines text of the values, one a line, ending with a newline. */
export function toJsonl(values: Iterable<unknown>): string {
  let out = "";
  for (const v of values) out += `${JSON.stringify(v)}\n`;
  return out;
}
