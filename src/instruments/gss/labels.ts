/**
 * Spelling-independent matching of GSS value labels. The two panel files spell the same answer
 * differently ("Slghtly Conservative" vs "slightly conservative", "$20000 - 24999" vs
 * "$20,000 to $24,999"), so every label is reduced to a comparison key first, and the remaining
 * differences in wording are listed per variable below.
 */

import { memoizeText } from "../../memo/index.ts";

/** Abbreviations used by the gssr factor labels of the 2006-2014 panels, expanded word by word. */
const WORDS: Record<string, string> = {
  slghtly: "slightly",
  extrmly: "extremely",
  lt: "less than",
  under: "less than",
  thn: "than",
  sevrl: "several",
  nrly: "nearly",
  wk: "week",
  yr: "year",
  almst: "almost",
  wrg: "wrong",
  govt: "government",
  dissat: "dissatisfied",
  mod: "moderately",
  unwill: "unwilling",
  blks: "blacks",
};

/**
 * Comparison key of a label: lower case, no currency/thousands punctuation, no apostrophes or
 * periods, abbreviations expanded, spaced dashes read as "to", whitespace collapsed.
 */
export const labelKey = memoizeText((raw) => {
  const words = raw
    .toLowerCase()
    .replace(/[’']/g, "")
    .replace(/\$/g, "")
    .replace(/(\d),(?=\d)/g, "$1")
    .replace(/[,.]/g, " ")
    .replace(/\s-\s/g, " to ")
    .split(/\s+/)
    .filter((w) => w !== "")
    .map((w) => (Object.hasOwn(WORDS, w) ? WORDS[w] : w));
  return words.join(" ");
});

/** Key without spaces: catches "Everyday" vs "every day". */
export function compactKey(raw: string): string {
  return labelKey(raw).replaceAll(" ", "");
}

/**
 * Spellings that differ in wording, not just case or abbreviation: variable → raw spelling →
 * codebook label. Found by tabulating every value of both panel files against the codebook.
 */
const ALIASES: Record<string, Record<string, string>> = {
  polviews: { moderate: "moderate, middle of the road" },
  partyid: {
    "not str democrat": "not very strong democrat",
    "not str republican": "not very strong republican",
    independent: "independent (neither, no response)",
    "ind,near dem": "independent, close to democrat",
    "ind,near rep": "independent, close to republican",
  },
  degree: { "junior college": "associate/junior college", bachelor: "bachelor's" },
  region: {
    "e. nor. central": "east north central",
    "w. nor. central": "west north central",
    "w. sou. central": "west south central",
    "e. sou. central": "east south central",
    // The codebook (and the 2016-2020 file) call GSS region 6 "east south atlantic"; it is the
    // East South Central census division.
    "east south atlantic": "east south central",
  },
  attend: {
    "once a year": "about once or twice a year",
    "2-3x a month": "2-3 times a month",
    "more thn once wk": "several times a week",
    "once a month": "about once a month",
    // The 2016-2020 file labels code 5 "2-3 times a year"; the codebook's code 5 is
    // "2-3 times a month" and that file has no other label for it.
    "2-3 times a year": "2-3 times a month",
  },
  relig: { "moslem/islam": "muslim/islam", "other eastern": "other eastern religions" },
  hispanic: { equadorian: "ecuadorian", columbian: "colombian", bolivian: "south american" },
  // The 2006-2014 file codes "0" for interviews before the 2008 election (not yet asked).
  vote08: { "0": "iap" },
  pres08: { "0": "iap" },
  news: { "few times a week": "a few times a week", "less than once wk": "less than once a week" },
  pornlaw: {
    "illegal under 18": "there should be laws against the distribution of pornography to persons under 18",
    "illegal to all": "there should be laws against the distribution of pornography whatever the age",
    legal: "there should be no laws forbidding the distribution of pornography",
  },
  grass: { legal: "should be legal", "not legal": "should not be legal" },
  courts: { "not harsh enough": "not harshly enough", "too harsh": "too harshly" },
  trust: {
    "cannot trust": "can't be too careful",
    // The 2016-2020 file labels code 1 "can't trust". It is "can trust": its share (34%) matches
    // "can trust" in the 2006-2014 panels (35%), and 73% of these respondents say people
    // "try to be helpful" versus 36% of those who say "can't be too careful".
    "can't trust": "can trust",
  },
  helpful: { helpful: "try to be helpful", "lookout for self": "looking out for themselves" },
  fair: { fair: "would try to be fair", "take advantage": "would take advantage of you" },
  satfin: {
    "more or less": "more or less satisfied",
    "not at all sat": "not satisfied at all",
    satisfied: "pretty well satisfied",
  },
  getahead: {
    "hard work": "hard work most important",
    "both equally": "hard work, luck equally important",
    "luck or help": "luck most important",
  },
  god: {
    "know god exists": "no doubts",
    "believe but doubts": "believe with doubts",
    "some higher power": "higher power",
    "no way to find out": "don't know, no way to find out",
  },
  bible: { "book of fables": "ancient book", other: "other (vol)" },
  affrmact: {
    "strongly support pref": "strongly favors",
    "support pref": "not strongly favors",
    "oppose pref": "not strongly opposes",
    "strongly oppose pref": "strongly opposes",
  },
  eqwlth: {
    "govt reduce diff": "the government should reduce income differences",
    "no govt action": "the government should not concern itself with reducing income differences",
  },
  helppoor: {
    "govt action": "government should help",
    "people help selves": "people should care for themselves",
    "people should help themselves": "people should care for themselves",
  },
  helpsick: {
    "people help selves": "people should care for themselves",
    "people should help themselves": "people should care for themselves",
  },
  helpnot: { "govt do more": "government should do more" },
  helpblk: { "govt help blks": "government should help" },
  grnprice: { "not very willing": "fairly unwilling", "not at all willing": "very unwilling" },
  grntaxes: { "not very willing": "fairly unwilling", "not at all willing": "very unwilling" },
};
for (const item of ["premarsx", "teensex", "xmarsex", "homosex"]) {
  ALIASES[item] = { "sometimes wrong": "wrong only sometimes" };
}
for (const item of ["spkath", "spkrac", "spkcom", "spkmil", "spkhomo"]) {
  ALIASES[item] = { allowed: "yes, allowed to speak" };
}

/** Codebook labels that are wrong, corrected before they become option texts. */
export const LABEL_CORRECTIONS: Record<string, Record<string, string>> = {
  region: { "east south atlantic": "east south central" },
};

const aliasKeys = new Map<string, Map<string, string>>();
for (const [variable, table] of Object.entries(ALIASES)) {
  const keyed = new Map<string, string>();
  for (const [raw, label] of Object.entries(table)) keyed.set(labelKey(raw), labelKey(label));
  aliasKeys.set(variable, keyed);
}

/**
 * Comparison key of a raw value of a variable with its wording aliases resolved, so that it
 * equals `labelKey` of the codebook's label for the same answer.
 */
export function resolvedKey(variable: string, raw: string): string {
  const key = labelKey(raw);
  return aliasKeys.get(variable)?.get(key) ?? key;
}
