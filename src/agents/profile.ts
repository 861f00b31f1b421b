/**
 * A first-person profile of an agent, written from its attributes. It is part of the prompt and
 * of the cache key, so it depends only on the agent (fixed sentence order, unknown attributes
 * sorted by name).
 */
import { labelKey, resolvedKey } from "../instruments/gss/labels.ts";
import { canonicalAttributes } from "./attributes.ts";
import type { Agent } from "./types.ts";

type Attr = { name: string; value: string };
type Get = (key: string) => Attr | undefined;

/** Phrase tables keyed by the GSS label (or agent-bank value); looked up by comparison key. */
function table(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries).map(([label, phrase]) => [labelKey(label), phrase]));
}

const DEGREE_NOUN = table({
  "less than high school": "less than high school",
  "high school": "a high school diploma",
  "associate/junior college": "an associate (junior college) degree",
  "bachelor's": "a bachelor's degree",
  graduate: "a graduate degree",
});

const MARITAL = table({
  married: "I am married.",
  widowed: "I am widowed.",
  divorced: "I am divorced.",
  separated: "I am separated from my spouse.",
  "never married": "I have never been married.",
});

const PARTY = table({
  "strong democrat": "I am a strong Democrat.",
  "not very strong democrat": "I am a Democrat, but not a strong one.",
  "independent, close to democrat": "I am an independent who leans toward the Democrats.",
  "independent (neither, no response)": "I am an independent, close to neither party.",
  "independent, close to republican": "I am an independent who leans toward the Republicans.",
  "not very strong republican": "I am a Republican, but not a strong one.",
  "strong republican": "I am a strong Republican.",
  "other party": "I support a party other than the Democrats and the Republicans.",
});

const POLVIEWS = table({
  "extremely liberal": "extremely liberal",
  liberal: "liberal",
  "slightly liberal": "slightly liberal",
  "moderate, middle of the road": "moderate, middle of the road",
  "slightly conservative": "slightly conservative",
  conservative: "conservative",
  "extremely conservative": "extremely conservative",
});

const RELIGION = table({
  protestant: "Protestant",
  catholic: "Catholic",
  jewish: "Jewish",
  other: "another religion",
  buddhism: "Buddhism",
  hinduism: "Hinduism",
  "other eastern religions": "another Eastern religion",
  "muslim/islam": "Islam",
  "orthodox-christian": "Orthodox Christian",
  christian: "Christian",
  "native american": "a Native American religion",
  "inter-nondenominational": "inter- or nondenominational",
});

const ATTEND = table({
  never: "I never attend religious services.",
  "less than once a year": "I attend religious services less than once a year.",
  "about once or twice a year": "I attend religious services about once or twice a year.",
  "several times a year": "I attend religious services several times a year.",
  "about once a month": "I attend religious services about once a month.",
  "2-3 times a month": "I attend religious services two or three times a month.",
  "nearly every week": "I attend religious services nearly every week.",
  "every week": "I attend religious services every week.",
  "several times a week": "I attend religious services several times a week.",
});

const REGIONS = [
  "new england",
  "middle atlantic",
  "east north central",
  "west north central",
  "south atlantic",
  "east south central",
  "west south central",
  "mountain",
  "pacific",
];

const WORK = table({
  "working full time": "I work full time.",
  "working part time": "I work part time.",
  retired: "I am retired.",
  "keeping house": "I keep house.",
  "unemployed, laid off, looking for work": "I am unemployed and looking for work.",
  "in school": "I am in school.",
  "with a job, but not at work because of temporary illness, vacation, strike":
    "I have a job but am temporarily not at work (illness, vacation or a strike).",
});

const FAMILY_AT_16 = table({
  "lived with parents": "At 16, I lived with both my parents.",
  "divorce, separated": "At 16, my parents were divorced or separated.",
  "parent died": "By the time I was 16, one of my parents had died.",
});

const SAME_RESIDENCE = table({
  "same city": "I live in the same city I lived in at 16.",
  "same state, different city": "I live in the same state I lived in at 16, but in a different city.",
  "different state": "I live in a different state from the one I lived in at 16.",
});

const YES = labelKey("yes");
const NO = labelKey("no");

function titleCase(key: string): string {
  return key.replace(/[a-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1));
}

function lowerFirst(text: string): string {
  // Keep acronyms and names ("U.S.", "$5,000") as they are.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "$25,000 or more", "between $20,000 and $24,999", "under $1,000" from an income label. */
function incomeText(value: string): string | null {
  const key = labelKey(value);
  const money = (digits: string) => `$${Number(digits).toLocaleString("en-US")}`;
  let m = /^(\d+) or more$/.exec(key);
  if (m) return `${money(m[1])} or more`;
  m = /^(\d+) to (\d+)$/.exec(key);
  if (m) return `between ${money(m[1])} and ${money(m[2])}`;
  m = /^less than (\d+)$/.exec(key);
  if (m) return `under ${money(m[1])}`;
  return null;
}

function regionKey(value: string): string | null {
  const key = resolvedKey("region", value);
  return REGIONS.includes(key) ? key : null;
}

function ageSexSentence(get: Get, used: Set<string>): string | null {
  const age = get("age");
  const sex = get("sex");
  const years = age && /^\d+/.test(age.value) ? Number.parseInt(age.value, 10) : null;
  const sexKey = sex ? labelKey(sex.value) : "";
  const noun =
    sexKey === "male" || sexKey === "man"
      ? "man"
      : sexKey === "female" || sexKey === "woman"
        ? "woman"
        : null;
  if (years !== null) used.add("age");
  if (noun) used.add("sex");
  if (years !== null && noun) {
    const article = years === 8 || years === 11 || years === 18 || (years >= 80 && years <= 89) ? "an" : "a";
    const top = /or older/i.test(age!.value) ? " (or older)" : "";
    return `I am ${article} ${years}-year-old ${noun}${top}.`;
  }
  if (years !== null) return `I am ${years} years old${/or older/i.test(age!.value) ? " or older" : ""}.`;
  if (noun) return `I am a ${noun}.`;
  return null;
}

/** Renderers in profile order: each reads canonical attributes and returns a sentence or null. */
const RENDERERS: { keys: string[]; render: (get: Get) => string | null }[] = [
  {
    keys: ["race"],
    render: (get) => {
      const key = labelKey(get("race")!.value);
      if (key === "white") return "I am white.";
      if (key === "black") return "I am Black.";
      if (key === "other") return "I describe my race as other than white or Black.";
      return null;
    },
  },
  {
    keys: ["detailed_race"],
    render: (get) => {
      const detail = get("detailed_race")!.value;
      const race = get("race");
      // The agent bank repeats the race here ("White", "Black or African American").
      if (race && labelKey(detail).startsWith(labelKey(race.value))) return "";
      return `More specifically, I identify as ${detail}.`;
    },
  },
  {
    keys: ["hispanic"],
    render: (get) => {
      const value = get("hispanic")!.value;
      if (labelKey(value) === "not hispanic") return "I am not Hispanic.";
      return `I am Hispanic (${value}).`;
    },
  },
  {
    keys: ["ethnicity"],
    render: (get) => {
      const value = get("ethnicity")!.value;
      if (labelKey(value) === "american only") return "I think of my ethnic background as simply American.";
      return `My family's ethnic origin is ${value}.`;
    },
  },
  {
    keys: ["born_in_us"],
    render: (get) => {
      const key = labelKey(get("born_in_us")!.value);
      return key === YES
        ? "I was born in the United States."
        : key === NO
          ? "I was born outside the United States."
          : null;
    },
  },
  {
    keys: ["us_citizenship_status"],
    render: (get) => {
      const key = labelKey(get("us_citizenship_status")!.value);
      if (key === labelKey("a U.S. citizen")) return "I am a U.S. citizen.";
      if (key === labelKey("not a U.S. citizen")) return "I am not a U.S. citizen.";
      return null;
    },
  },
  {
    keys: ["speak_other_language"],
    render: (get) => {
      const key = labelKey(get("speak_other_language")!.value);
      return key === YES
        ? "I speak a language other than English."
        : key === NO
          ? "I speak only English."
          : null;
    },
  },
  {
    keys: ["city", "state"],
    render: (get) => {
      const place = [get("city")?.value, get("state")?.value].filter(Boolean).join(", ");
      return `I live in ${place}.`;
    },
  },
  {
    keys: ["region"],
    render: (get) => {
      const key = regionKey(get("region")!.value);
      if (!key) return null;
      return key === "new england"
        ? "I live in New England."
        : `I live in the ${titleCase(key)} region of the United States.`;
    },
  },
  {
    keys: ["residence_at_16"],
    render: (get) => {
      const value = get("residence_at_16")!.value;
      if (labelKey(value) === "foreign") return "When I was 16, I lived outside the United States.";
      const key = regionKey(value);
      return key ? `When I was 16, I lived in the ${titleCase(key)} region.` : null;
    },
  },
  {
    keys: ["same_residence_since_16"],
    render: (get) => SAME_RESIDENCE.get(labelKey(get("same_residence_since_16")!.value)) ?? null,
  },
  {
    keys: ["family_structure_at_16"],
    render: (get) => FAMILY_AT_16.get(labelKey(get("family_structure_at_16")!.value)) ?? null,
  },
  {
    keys: ["family_income_at_16"],
    render: (get) =>
      `When I was 16, my family's income was ${lowerFirst(get("family_income_at_16")!.value)} compared with other families.`,
  },
  ...(["fathers", "mothers"] as const).map((who) => ({
    keys: [`${who}_highest_degree`],
    render: (get: Get) => {
      const noun = DEGREE_NOUN.get(resolvedKey("degree", get(`${who}_highest_degree`)!.value));
      return noun
        ? `My ${who === "fathers" ? "father" : "mother"}'s highest level of education is ${noun}.`
        : null;
    },
  })),
  {
    keys: ["mothers_work_history"],
    render: (get) => {
      const key = labelKey(get("mothers_work_history")!.value);
      if (key === YES) return "My mother worked for pay while I was growing up.";
      if (key === NO) return "My mother did not work for pay while I was growing up.";
      return null;
    },
  },
  { keys: ["marital"], render: (get) => MARITAL.get(resolvedKey("marital", get("marital")!.value)) ?? null },
  {
    keys: ["degree"],
    render: (get) => {
      const key = resolvedKey("degree", get("degree")!.value);
      if (key === labelKey("less than high school")) return "I did not finish high school.";
      const noun = DEGREE_NOUN.get(key);
      return noun ? `My highest degree is ${noun}.` : null;
    },
  },
  {
    keys: ["educ"],
    render: (get) => {
      const value = get("educ")!.value;
      if (labelKey(value) === "no formal schooling" || value === "0") return "I had no formal schooling.";
      return /^\d+$/.test(value) ? `I completed ${value} years of schooling.` : null;
    },
  },
  { keys: ["work_status"], render: (get) => WORK.get(labelKey(get("work_status")!.value)) ?? null },
  {
    keys: ["military_service_duration"],
    render: (get) => {
      const value = get("military_service_duration")!.value;
      const key = labelKey(value);
      if (key === "no active duty") return "I have not served on active duty in the military.";
      const m = /^yes,\s*(.+)$/i.exec(value);
      return m ? `I served on active duty in the military for ${m[1]}.` : null;
    },
  },
  {
    keys: ["income"],
    render: (get) => {
      const text = incomeText(get("income")!.value);
      return text ? `My total family income last year was ${text}.` : null;
    },
  },
  {
    keys: ["rincome"],
    render: (get) => {
      const text = incomeText(get("rincome")!.value);
      return text ? `My own earnings last year were ${text}.` : null;
    },
  },
  {
    keys: ["total_wealth"],
    render: (get) => `My total wealth is ${lowerFirst(get("total_wealth")!.value)}.`,
  },
  {
    keys: ["relig"],
    render: (get) => {
      const key = resolvedKey("relig", get("relig")!.value);
      if (key === "none") return "I have no religious preference.";
      const name = RELIGION.get(key);
      return name ? `My religious preference is ${name}.` : null;
    },
  },
  {
    keys: ["religion_at_16"],
    render: (get) => {
      const key = resolvedKey("relig", get("religion_at_16")!.value);
      if (key === "none") return "I was raised without a religion.";
      const name = RELIGION.get(key);
      return name ? `The religion I was raised in was ${name}.` : null;
    },
  },
  { keys: ["attend"], render: (get) => ATTEND.get(resolvedKey("attend", get("attend")!.value)) ?? null },
  { keys: ["partyid"], render: (get) => PARTY.get(resolvedKey("partyid", get("partyid")!.value)) ?? null },
  {
    keys: ["polviews"],
    render: (get) => {
      const view = POLVIEWS.get(resolvedKey("polviews", get("polviews")!.value));
      return view ? `Politically, I consider myself ${view}.` : null;
    },
  },
];

/** Readable names of GSS variables, for values the renderers do not recognize. */
const GSS_NAMES: Record<string, string> = {
  polviews: "political views",
  partyid: "party identification",
  relig: "religion",
  attend: "religious attendance",
  degree: "highest degree",
  educ: "years of schooling",
  income: "total family income",
  rincome: "own income",
  marital: "marital status",
};

function humanName(attr: { key: string; name: string }): string {
  return Object.hasOwn(GSS_NAMES, attr.key) ? GSS_NAMES[attr.key] : attr.name.trim().replace(/[_\s]+/g, " ");
}

// A loop rather than keys.some(…): this runs for every renderer of every person.
function hasAny(attrs: Map<string, unknown>, keys: string[]): boolean {
  for (const k of keys) if (attrs.has(k)) return true;
  return false;
}

/**
 * The agent's attributes in the first person: one sentence per known attribute (GSS and
 * agent-bank vocabularies, any spelling of their values), then "My <name>: <value>." for
 * attributes (or values) it does not know, sorted. With `withPersona`, persona text comes first,
 * as written. (Which of these a prompt gets is the agent's conditioning: see conditioning.ts.)
 */
export function attributeProfile(agent: Agent, withPersona = true): string {
  const attrs = canonicalAttributes(agent.attributes ?? {});
  const used = new Set<string>();
  const parts: string[] = [];
  const get: Get = (key) => attrs.get(key);
  const name = attrs.get("first_name");
  if (name) {
    parts.push(`My name is ${name.value}.`);
    used.add("first_name");
  }
  const ageSex = ageSexSentence(get, used);
  if (ageSex) parts.push(ageSex);
  for (const r of RENDERERS) {
    if (!hasAny(attrs, r.keys)) continue;
    const text = r.render(get);
    if (text === null) continue; // unrecognized value: rendered generically below
    for (const k of r.keys) used.add(k);
    if (text !== "") parts.push(text);
  }
  const rest: string[] = [];
  for (const [key, a] of attrs) {
    if (!used.has(key)) rest.push(sentence(`My ${humanName({ key, name: a.name })}: ${a.value}`));
  }
  parts.push(...rest.sort());
  const attributesText = parts.join(" ");
  const persona = withPersona ? (agent.persona?.trim() ?? "") : "";
  if (persona && attributesText) return `${persona}\n\n${attributesText}`;
  return persona || attributesText;
}
