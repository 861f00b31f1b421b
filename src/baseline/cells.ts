/**
 * Answer counts of real GSS respondents by demographic cell, built lazily per item and per set of
 * conditioning attributes, with the simulated person's own answer left out.
 */
import { ageGroup } from "../agents/attributes.ts";
import type { GssRespondent } from "../datasets/gss-panel/index.ts";
import type { GssCodebook } from "../instruments/gss/index.ts";

export const AGE_GROUP = "age group";

export interface ItemAnswers {
  id: string;
  numeric: boolean;
  /** Answer values: the item's options (closed) or the distinct numbers seen (numeric), sorted. */
  values: string[];
  /** Per respondent: index into `values`, or -1 when they did not answer. */
  answers: Int32Array;
  /** mask of conditioning attributes → cell key → counts per value. */
  cells: Map<number, Map<string, Float64Array>>;
}

export class CellIndex {
  readonly conditionOn: readonly string[];
  readonly people: readonly GssRespondent[];
  readonly wave: string;
  /** Respondent → conditioning values (null when unknown), in conditionOn order. */
  private readonly demo: (string | null)[][];
  private readonly personIndex = new Map<string, number>();
  private readonly items = new Map<string, ItemAnswers | null>();
  private readonly codebook: GssCodebook;

  constructor(
    people: readonly GssRespondent[],
    wave: string,
    conditionOn: readonly string[],
    codebook: GssCodebook,
  ) {
    this.people = people;
    this.wave = wave;
    this.conditionOn = conditionOn;
    this.codebook = codebook;
    this.demo = people.map((p) => conditionOn.map((a) => respondentValue(p.demographics, a)));
    people.forEach((p, i) => {
      this.personIndex.set(p.personId, i);
    });
  }

  indexOf(personId: string): number | undefined {
    return this.personIndex.get(personId);
  }

  /** The answers to an item in the chosen wave, or null when the data has none. */
  item(id: string): ItemAnswers | null {
    if (this.items.has(id)) return this.items.get(id)!;
    const built = this.buildItem(id);
    this.items.set(id, built);
    return built;
  }

  /** A respondent's conditioning values (null = unknown). */
  demographicsOf(person: number): readonly (string | null)[] {
    return this.demo[person];
  }

  /**
   * Counts of the cell whose attributes in `mask` equal `key`; `key` joins the values of the
   * masked attributes in conditionOn order.
   */
  counts(item: ItemAnswers, mask: number, key: string): Float64Array | undefined {
    let byKey = item.cells.get(mask);
    if (!byKey) {
      byKey = new Map();
      for (let p = 0; p < this.people.length; p++) {
        const a = item.answers[p];
        if (a < 0) continue;
        const k = this.keyOf(this.demo[p], mask);
        if (k === null) continue;
        let c = byKey.get(k);
        if (!c) {
          c = new Float64Array(item.values.length);
          byKey.set(k, c);
        }
        c[a]++;
      }
      item.cells.set(mask, byKey);
    }
    return byKey.get(key);
  }

  /** Cell key of conditioning values under a mask, or null when one of them is unknown. */
  keyOf(values: readonly (string | null)[], mask: number): string | null {
    let key = "";
    for (let j = 0; j < values.length; j++) {
      if (!(mask & (1 << j))) continue;
      const v = values[j];
      if (v === null) return null;
      key += `${v}\u0001`;
    }
    return key;
  }

  private buildItem(id: string): ItemAnswers | null {
    const question = this.codebook.variables.get(id)?.question;
    if (!question || question.type === "free_text") return null;
    const numeric = question.type === "numeric";
    let values: string[];
    if (numeric) {
      const seen = new Set<string>();
      for (const p of this.people) {
        const v = p.waves[this.wave]?.[id];
        if (v !== undefined) seen.add(v);
      }
      values = [...seen].sort((a, b) => Number(a) - Number(b));
    } else {
      values = question.options ?? [];
    }
    const position = new Map(values.map((v, i) => [v, i]));
    const answers = new Int32Array(this.people.length).fill(-1);
    let answered = 0;
    this.people.forEach((p, i) => {
      const v = p.waves[this.wave]?.[id];
      const at = v === undefined ? undefined : position.get(v);
      if (at !== undefined) {
        answers[i] = at;
        answered++;
      }
    });
    if (answered === 0) return null;
    return { id, numeric, values, answers, cells: new Map() };
  }
}

/** A respondent's (or agent's canonical) value of a conditioning attribute. */
export function respondentValue(demographics: Record<string, string>, attribute: string): string | null {
  if (attribute === AGE_GROUP) {
    const age = demographics.age;
    return age === undefined ? null : ageGroup(age);
  }
  return demographics[attribute] ?? null;
}
