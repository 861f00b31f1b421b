import { dataFile, readCsv } from "../../data/index.ts";
import { closest, UserError } from "../../errors/index.ts";
import type { Question } from "../types.ts";
import { compactKey, LABEL_CORRECTIONS, labelKey, resolvedKey } from "./labels.ts";

export const CODEBOOK_FILE = "gss-panel/gss_panel_codebook.csv";

/** One codebook row: a GSS variable with its question text and substantive value labels. */
export interface GssVariable {
  id: string;
  label: string;
  /** Question text with the questionnaire numbering removed; null when the codebook has none. */
  text: string | null;
  /** Substantive codes in codebook order (NA(...) codes dropped), labels corrected. */
  codes: { code: string; label: string }[];
  /** Labels of the NA(...) codes ("don't know", "refused", ...): a value with one is missing. */
  missing: string[];
  question: Question | null;
}

/** What a raw value of a variable is: an option (canonical text), a missing code, or unknown. */
export type Classified = { kind: "option"; value: string } | { kind: "missing" } | { kind: "unmapped" };

export interface GssCodebook {
  file: string;
  variables: Map<string, GssVariable>;
  classify(variable: string, raw: string): Classified;
}

/** Bounds of the numeric items the codebook only labels at one end. */
const NUMERIC_BOUNDS: Record<string, [number, number]> = { age: [18, 89], educ: [0, 20], tvhours: [0, 24] };

/** Typos in the codebook's question texts, fixed because the texts are shown to models. */
const TEXT_FIXES: Record<string, string> = {
  enalty: "penalty",
  teh: "the",
  yoru: "your",
  religous: "religious",
  itis: "it is",
  busienss: "business",
  expresing: "expressing",
  obtaina: "obtain a",
};

/** Demographic items whose codebook text is an interviewer note, not a question to a respondent. */
const TEXT_OVERRIDES: Record<string, string> = {
  age: "What is your age in years?",
  sex: "What is your sex?",
  degree: "What is the highest degree you have earned?",
  region: "In which region of the United States do you live?",
};

/** Words of option labels that are names; the codebook writes them in lower case. */
const PROPER_WORDS = new Set(
  (
    "democrat republican god islam muslim christian orthodox american hispanic mexican chicano puerto " +
    "rican cuban salvadorian guatemalan panamanian nicaraguan costa honduran dominican indian peruvian " +
    "ecuadorian colombian venezuelan argentinian chilean spanish basque filipino latin latino eastern native " +
    "kerry bush nader obama"
  ).split(" "),
);

const cache = new Map<string, GssCodebook>();

/** The panel codebook of a data directory, parsed once per process. */
export function readGssCodebook(dataDir: string): GssCodebook {
  const cached = cache.get(dataDir);
  if (cached) return cached;
  const file = dataFile(dataDir, CODEBOOK_FILE, "GSS panel codebook");
  const table = readCsv(file);
  const columns = ["variable", "label", "var_text", "value_labels"].map((name) => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new UserError(`codebook has no column "${name}"`, { where: `${file}:1` });
    return i;
  });
  const variables = new Map<string, GssVariable>();
  table.rows.forEach((row, r) => {
    const [id, label, text, valueLabels] = columns.map((i) => row[i].trim());
    if (!id) throw new UserError("empty variable name", { where: `${file}:${table.lines[r]}` });
    variables.set(id, buildVariable(id, label, text, valueLabels, `${file}:${table.lines[r]}`));
  });
  const lookups = new Map<string, Map<string, Classified>>();
  const memo = new Map<string, Map<string, Classified>>();
  const codebook: GssCodebook = {
    file,
    variables,
    classify(variable, raw) {
      const v = variables.get(variable);
      if (!v) throw unknownVariable(variable, codebook);
      const value = raw.trim();
      if (value === "") return { kind: "missing" };
      let lookup = lookups.get(variable);
      if (!lookup) {
        lookup = buildLookup(v);
        lookups.set(variable, lookup);
      }
      // Panel files repeat a few spellings millions of times: remember each raw spelling.
      let seen = memo.get(variable);
      if (!seen) {
        seen = new Map();
        memo.set(variable, seen);
      }
      let result = seen.get(value);
      if (!result) {
        result = classifyValue(v, lookup, value);
        if (seen.size < 10_000) seen.set(value, result);
      }
      return result;
    },
  };
  cache.set(dataDir, codebook);
  return codebook;
}

function classifyValue(v: GssVariable, lookup: Map<string, Classified>, value: string): Classified {
  const key = resolvedKey(v.id, value);
  const hit = lookup.get(value) ?? lookup.get(key) ?? lookup.get(`\u0000${key.replaceAll(" ", "")}`);
  if (hit) return hit;
  if (v.question?.type === "numeric" && /^-?\d+(\.\d+)?$/.test(value)) {
    return { kind: "option", value: String(Number(value)) };
  }
  return { kind: "unmapped" };
}

/** Variables that are bookkeeping (the survey year, sampling weights), not questions. */
export const GSS_NOT_ASKED: ReadonlySet<string> = new Set(["year", "wtssnr", "wtssall"]);

/** The codebook's variables that are questions one can ask (weights and the year are not). */
export function askableVariables(codebook: GssCodebook): string[] {
  return [...codebook.variables.values()]
    .filter((v) => v.question && !GSS_NOT_ASKED.has(v.id) && !/^wt/.test(v.id))
    .map((v) => v.id);
}

/** An unknown item, with the nearest item name of the codebook when it looks like a typo. */
export function unknownVariable(variable: string, codebook: GssCodebook): UserError {
  const items = askableVariables(codebook);
  const near = closest(variable, items);
  return new UserError(
    near
      ? `unknown GSS item "${variable}"; did you mean "${near}"?`
      : `unknown GSS item "${variable}": the GSS panel codebook (${codebook.file}) has no such variable among its ${items.length} items`,
  );
}

function buildVariable(
  id: string,
  label: string,
  text: string,
  valueLabels: string,
  where: string,
): GssVariable {
  const codes: { code: string; label: string }[] = [];
  const missing: string[] = [];
  const corrections: Record<string, string> = Object.hasOwn(LABEL_CORRECTIONS, id)
    ? LABEL_CORRECTIONS[id]
    : {};
  for (const m of valueLabels.matchAll(/\[([^\]]+)\]\s*(.*?)(?=;\s*\[|$)/g)) {
    const code = m[1].trim();
    const name = m[2].trim();
    if (code.startsWith("NA")) missing.push(name);
    else codes.push({ code, label: Object.hasOwn(corrections, name) ? corrections[name] : name });
  }
  if (valueLabels.trim() !== "" && codes.length === 0 && missing.length === 0) {
    throw new UserError(`cannot read value labels "${valueLabels.slice(0, 60)}"`, { where });
  }
  const cleanText = text === "" || text === "None" ? null : cleanQuestionText(text);
  const variable: GssVariable = { id, label, text: cleanText, codes, missing, question: null };
  variable.question = buildQuestion(variable);
  return variable;
}

/** Drops questionnaire numbering ("82b. ", "a. ") and fixes known typos. */
export function cleanQuestionText(text: string): string {
  let out = text.replace(/^\s*\d+[a-z]?\.\s+/, "");
  out = out.replace(/(\s)[a-z]\.\s+(?=[A-Z])/g, "$1");
  out = out.replace(/\b[a-z]+\b/g, (w) => (Object.hasOwn(TEXT_FIXES, w) ? TEXT_FIXES[w] : w));
  return out.replace(/\s+/g, " ").trim();
}

function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Option text of a codebook label: first letter and names upper case (regions in title case). */
function capitalize(label: string, variable = ""): string {
  if (variable === "region") return label.replace(/[a-z]+/g, upperFirst);
  const named = label.replace(/[a-z]+/g, (w) =>
    PROPER_WORDS.has(w) ? upperFirst(w) : w === "mccain" ? "McCain" : w,
  );
  return upperFirst(named);
}

function isNumericVariable(v: GssVariable): boolean {
  if (v.id in NUMERIC_BOUNDS) return true;
  if (v.codes.length === 0 || v.codes.length > 2) return false;
  // Numeric items label only an end of their range ("89 or older", "0 hours").
  return v.codes.length === 1 || v.codes.some((c) => new RegExp(`^${c.code}\\s`).test(c.label));
}

/** Endpoint-labelled scales ("point 1 ... point 5"): integer codes with unlabelled points between. */
function scaleRange(v: GssVariable): [number, number] | null {
  if (v.codes.length < 2 || v.codes.length > 3) return null;
  const nums = v.codes.map((c) => Number(c.code));
  if (!nums.every((n) => Number.isInteger(n))) return null;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  if (hi - lo + 1 === nums.length || hi - lo > 10) return null;
  return [lo, hi];
}

/** Option text of the scale point `n` of an endpoint-labelled scale. */
function scaleOption(v: GssVariable, n: number): string {
  const labelled = v.codes.find((c) => Number(c.code) === n);
  return labelled ? `${n} - ${capitalize(labelled.label, v.id)}` : String(n);
}

function buildQuestion(v: GssVariable): Question | null {
  if (v.codes.length === 0 && !(v.id in NUMERIC_BOUNDS)) return null;
  const text = TEXT_OVERRIDES[v.id] ?? v.text ?? capitalize(v.label);
  if (isNumericVariable(v)) {
    const codes = v.codes.map((c) => Number(c.code)).filter(Number.isFinite);
    const [min, max] = NUMERIC_BOUNDS[v.id] ?? [Math.min(0, ...codes), Math.max(...codes)];
    return { id: v.id, type: "numeric", text, min, max };
  }
  const range = scaleRange(v);
  if (range) {
    const options: string[] = [];
    for (let n = range[0]; n <= range[1]; n++) options.push(scaleOption(v, n));
    return { id: v.id, type: "multiple_choice", text, options };
  }
  const options = v.codes.map((c) => capitalize(c.label, v.id));
  const keys = v.codes.map((c) => labelKey(c.label));
  const yesNo = keys.length === 2 && keys[0] === "yes" && keys[1] === "no";
  return { id: v.id, type: yesNo ? "yes_no" : "multiple_choice", text, options };
}

/**
 * raw spelling / comparison key → classification. Exact option texts are keys as they are; label
 * keys as they are; space-free keys behind a NUL prefix so they cannot collide with the others.
 */
function buildLookup(v: GssVariable): Map<string, Classified> {
  const lookup = new Map<string, Classified>();
  const add = (label: string, c: Classified) => {
    for (const key of [labelKey(label), `\u0000${compactKey(label)}`])
      if (!lookup.has(key)) lookup.set(key, c);
  };
  const q = v.question;
  if (q?.type === "numeric") {
    for (const c of v.codes) add(c.label, { kind: "option", value: String(Number(c.code)) });
  } else if (q?.options) {
    const range = scaleRange(v);
    if (range) {
      for (let n = range[0]; n <= range[1]; n++) {
        const option: Classified = { kind: "option", value: scaleOption(v, n) };
        lookup.set(scaleOption(v, n), option);
        lookup.set(String(n), option);
        const labelled = v.codes.find((c) => Number(c.code) === n);
        if (labelled) add(labelled.label, option);
      }
    } else {
      v.codes.forEach((c, i) => {
        const option: Classified = { kind: "option", value: q.options![i] };
        lookup.set(q.options![i], option);
        add(c.label, option);
      });
    }
  }
  for (const label of v.missing) add(label, { kind: "missing" });
  return lookup;
}
