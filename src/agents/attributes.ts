/**
 * Attribute names of the different agent sources mapped onto one vocabulary: the GSS variable
 * names where one exists (agent bank `political_views` is GSS `polviews`), else the agent bank's.
 */

import { memoizeText } from "../memo/index.ts";

const ALIASES: Record<string, string> = {
  gender: "sex",
  hispanic_origin: "hispanic",
  highest_degree_received: "degree",
  highest_degree: "degree",
  marital_status: "marital",
  family_income: "income",
  respondent_income: "rincome",
  party_identification: "partyid",
  party: "partyid",
  political_views: "polviews",
  ideology: "polviews",
  religion: "relig",
  religious_attendance: "attend",
  years_of_schooling: "educ",
  name: "first_name",
  citizenship: "us_citizenship_status",
  wrkstat: "work_status",
};

/** Canonical name of an attribute: lower case, spaces and dashes as underscores, aliases resolved. */
export const canonicalAttributeName = memoizeText((name) => {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : key;
});

/** The agent's attributes under canonical names; the first of two spellings of one name wins. */
export function canonicalAttributes(
  attributes: Record<string, string>,
): Map<string, { name: string; value: string }> {
  const out = new Map<string, { name: string; value: string }>();
  for (const [name, value] of Object.entries(attributes)) {
    const v = String(value ?? "").trim();
    if (v === "") continue;
    const key = canonicalAttributeName(name);
    if (!out.has(key)) out.set(key, { name, value: v });
  }
  return out;
}

/** Age bands used to condition on age (the GSS codes age in years, top-coded at 89). */
export function ageGroup(age: string): string | null {
  const n = Number.parseInt(age, 10);
  if (!Number.isFinite(n)) return null;
  if (n < 30) return "18-29";
  if (n < 45) return "30-44";
  if (n < 65) return "45-64";
  return "65+";
}
