import { parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

/** One answer of one person to one item; any other fields are person attributes. */
export interface AnswerRow {
  person_id: string | number;
  item: string;
  answer: string | number | null | undefined;
  [attribute: string]: unknown;
}

/** A CSV path, in-memory rows, or rows with a name used in error messages. */
export type AnswerSource = string | AnswerRow[] | { name: string; rows: AnswerRow[] };

export type AnswerType = "categorical" | "numeric";

/** Answers of one file keyed by person then item, with where each came from. */
export interface AnswerSet {
  name: string;
  /** person → item → answer (trimmed string for categorical, number for numeric). */
  answers: Map<string, Map<string, string | number>>;
  /** item → every non-empty answer in the file (for distribution comparisons). */
  byItem: Map<string, (string | number)[]>;
  /** item → the person of each answer in byItem (for weighted distributions). */
  byItemPersons: Map<string, string[]>;
  /** person → attribute → first non-empty value. */
  attributes: Map<string, Map<string, string>>;
  attributeNames: string[];
}

const KEY_COLUMNS = ["person_id", "item", "answer"];

interface RawRow {
  where: string;
  values: Record<string, string>;
}

function fromCsv(path: string): { name: string; header: string[]; rows: RawRow[] } {
  const table = readCsv(path);
  for (const c of KEY_COLUMNS) {
    if (!table.header.includes(c)) {
      throw new UserError(`missing column "${c}" (a long answer file needs person_id,item,answer)`, {
        where: `${path}:1`,
      });
    }
  }
  return {
    name: path,
    header: table.header,
    rows: table.rows.map((r, i) => ({
      where: `${path}:${table.lines[i]}`,
      values: Object.fromEntries(table.header.map((h, j) => [h, r[j]])),
    })),
  };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  return String(value);
}

function fromRows(name: string, rows: AnswerRow[]): { name: string; header: string[]; rows: RawRow[] } {
  const header = new Set<string>(KEY_COLUMNS);
  for (const r of rows) for (const k of Object.keys(r)) header.add(k);
  return {
    name,
    header: [...header],
    rows: rows.map((r, i) => ({
      where: `${name}[${i}]`,
      values: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)])),
    })),
  };
}

/**
 * Read answers from a long CSV (person_id,item,answer[,attributes…]) or rows. Empty answers are
 * skipped; a repeated (person_id, item) is an error naming the place of the repeat, because a
 * silent choice between two answers would change every metric.
 */
export function loadAnswers(source: AnswerSource, type: AnswerType, label = "answers"): AnswerSet {
  const raw =
    typeof source === "string"
      ? fromCsv(source)
      : Array.isArray(source)
        ? fromRows(`${label} rows`, source)
        : fromRows(source.name, source.rows);
  const attributeNames = raw.header.filter((h) => !KEY_COLUMNS.includes(h));
  const answers = new Map<string, Map<string, string | number>>();
  const byItem = new Map<string, (string | number)[]>();
  const byItemPersons = new Map<string, string[]>();
  const attributes = new Map<string, Map<string, string>>();
  const seen = new Map<string, string>();
  for (const { where, values } of raw.rows) {
    const person = (values.person_id ?? "").trim();
    const item = (values.item ?? "").trim();
    if (person === "") throw new UserError("empty person_id", { where: `${where}, column person_id` });
    if (item === "") throw new UserError("empty item", { where: `${where}, column item` });
    const key = `${person}\u0000${item}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UserError(`duplicate answer of person "${person}" to item "${item}" (first at ${first})`, {
        where,
      });
    }
    seen.set(key, where);
    let attrs = attributes.get(person);
    if (!attrs) {
      attrs = new Map();
      attributes.set(person, attrs);
    }
    for (const a of attributeNames) {
      const v = (values[a] ?? "").trim();
      if (v !== "" && !attrs.has(a)) attrs.set(a, v);
    }
    const text = (values.answer ?? "").trim();
    if (text === "") continue;
    let answer: string | number = text;
    if (type === "numeric") {
      const parsed = parseNumber(text);
      // NA, NaN and "." are missing in a numeric answer, like an empty one.
      if (parsed === null) continue;
      if (parsed === undefined) {
        throw new UserError(`answer "${text}" is not a number (--type numeric)`, {
          where: `${where}, column answer`,
        });
      }
      answer = parsed;
    }
    let mine = answers.get(person);
    if (!mine) {
      mine = new Map();
      answers.set(person, mine);
    }
    mine.set(item, answer);
    let list = byItem.get(item);
    if (!list) {
      list = [];
      byItem.set(item, list);
      byItemPersons.set(item, []);
    }
    list.push(answer);
    byItemPersons.get(item)!.push(person);
  }
  return { name: raw.name, answers, byItem, byItemPersons, attributes, attributeNames };
}
