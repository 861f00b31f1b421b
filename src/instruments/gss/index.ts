/**
 * Built-in GSS items (public domain), read from the panel codebook in the data directory, and the
 * mapping of any raw panel value to the items' canonical option texts.
 */
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import type { Question } from "../types.ts";
import {
  type Classified,
  GSS_NOT_ASKED,
  type GssCodebook,
  readGssCodebook,
  unknownVariable,
} from "./codebook.ts";

export {
  askableVariables,
  type Classified,
  CODEBOOK_FILE,
  cleanQuestionText,
  GSS_NOT_ASKED,
  type GssCodebook,
  type GssVariable,
  readGssCodebook,
} from "./codebook.ts";
export { labelKey, resolvedKey } from "./labels.ts";

/** Demographic variables of the panel files (wave 1 values become agent attributes). */
export const GSS_DEMOGRAPHICS = [
  "age",
  "sex",
  "race",
  "hispanic",
  "degree",
  "educ",
  "region",
  "marital",
  "income",
  "rincome",
  "partyid",
  "polviews",
  "relig",
  "attend",
] as const;

/**
 * Ten attitude items answered by most respondents in both waves 1 and 2 of both panel files
 * (chosen by that coverage, 64-95% of re-interviewed people, spread over topics: punishment,
 * courts, spending, religion, well-being, social trust, guns, gender roles).
 */
export const DEFAULT_GSS_ITEMS = [
  "cappun",
  "courts",
  "natsoc",
  "natchld",
  "postlife",
  "bible",
  "happy",
  "trust",
  "gunlaw",
  "fefam",
] as const;

/**
 * Questions for the given GSS variable ids (in that order), or every variable of the codebook
 * that has question text. Unknown ids are an error listing the known ones.
 */
export function gssItems(dataDir?: string, ids?: readonly string[]): Question[] {
  const codebook = readGssCodebook(resolveDataDir(dataDir));
  if (!ids) {
    const out: Question[] = [];
    for (const v of codebook.variables.values()) {
      if (v.question && v.text !== null && !GSS_NOT_ASKED.has(v.id)) out.push(v.question);
    }
    return out;
  }
  return ids.map((id, i) => {
    const v = codebook.variables.get(id);
    if (!v) throw unknownVariable(id, codebook);
    if (!v.question) {
      throw new UserError(`GSS variable "${id}" is not a question (no answer options or numeric range)`, {
        where: `items[${i}]`,
      });
    }
    return v.question;
  });
}

/**
 * The canonical option text (numbers as digits for numeric items) of a raw panel value in either
 * file's spelling, or null for empty, missing codes (don't know, refused, ...) and values that
 * match nothing.
 */
export function canonicalAnswer(itemId: string, raw: string, dataDir?: string): string | null {
  const c = classifyGssAnswer(itemId, raw, dataDir);
  return c.kind === "option" ? c.value : null;
}

/** Like canonicalAnswer, but says whether a null is a missing code or an unknown label. */
export function classifyGssAnswer(itemId: string, raw: string, dataDir?: string): Classified {
  return readGssCodebook(resolveDataDir(dataDir)).classify(itemId, raw);
}

/**
 * The rank of a value of a GSS variable in codebook order (e.g. polviews from "extremely liberal"
 * to "extremely conservative"), in any spelling the codebook maps; undefined when the data
 * directory has no codebook or the variable is not a closed question. For ordering subgroups.
 */
export function gssOptionRank(
  variable: string,
  dataDir?: string,
): ((value: string) => number | undefined) | undefined {
  let codebook: GssCodebook;
  try {
    codebook = readGssCodebook(resolveDataDir(dataDir));
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
  const options = codebook.variables.get(variable)?.question?.options;
  if (!options) return undefined;
  return (value) => {
    const c = codebook.classify(variable, value);
    return c.kind === "option" ? options.indexOf(c.value) : undefined;
  };
}
