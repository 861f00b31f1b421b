/**
 * PII redaction on import (on by default). Policy:
 * - emails, phone numbers and street addresses (a house number, a capitalized street name and a
 *   street type, with an optional unit; PO boxes) are masked as [email], [phone], [address];
 * - the interviewed person's surname is masked as [name] wherever it appears: the words of their
 *   speaker label after the first ("Joon Park:" is shown as "Joon:") and a last-name field of
 *   their demographics, plus any names the study lists;
 * - other personal names are kept. Rules cannot tell a friend's name from a town, a school or an
 *   employer ("Swarthmore", "Boston", "Stanford"), and masking every capitalized word would erase
 *   what the conditioning relies on; a study that needs more lists the names to mask.
 * Demographic fields that identify a person directly (last name, street address, email, phone)
 * are dropped from the attributes. What was masked is reported by kind and place, never by value.
 */
import type { Redaction, RedactionKind } from "./types.ts";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const STREET_TYPES =
  "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|" +
  "Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Alley|Row|Crescent|Close";
// "123 Lytton Ave", "10 West 42nd Street, Apt 5B", "4-6 Old Mill Road": the street name's words
// are capitalized (or ordinals), which keeps "3 kids and the road" out.
const ADDRESS = new RegExp(
  String.raw`\b\d{1,6}(?:-\d{1,6})?[A-Za-z]?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?` +
    String.raw`(?:(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))\s+){1,4}(?:${STREET_TYPES})\b` +
    String.raw`(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|#)\.?\s*#?[A-Za-z0-9-]+)?` +
    String.raw`|\bP\.?\s?O\.?\s+Box\s+\d+`,
  "g",
);

// North American numbers ("(650) 555-0134", "650.555.0134", "+1 650 555 0134") and international
// ones written with a leading +. Years and amounts ("2007, 2008", "$80,000") have no such shape.
const PHONE =
  /(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)|(?<![\w+])\d{10}(?!\d)|(?<![\w])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface Redactor {
  /** The text with PII masked; each mask is appended to `out` with `where`. */
  mask(text: string, where: string, out: Redaction[]): string;
}

/** A redactor for one person: the general patterns plus the names to mask (e.g. their surname). */
export function redactor(names: readonly string[]): Redactor {
  const words = [...new Set(names.map((n) => n.trim()).filter((n) => n.length >= 2))];
  // Longest first, so "van der Berg" is masked before "Berg".
  words.sort((a, b) => b.length - a.length);
  const NAMES = words.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}])`, "gu")
    : null;
  const replace = (text: string, re: RegExp, kind: RedactionKind, where: string, out: Redaction[]) =>
    text.replace(re, () => {
      out.push({ kind, where });
      return `[${kind}]`;
    });
  return {
    mask(text, where, out) {
      let t = replace(text, EMAIL, "email", where, out);
      t = replace(t, ADDRESS, "address", where, out);
      t = replace(t, PHONE, "phone", where, out);
      if (NAMES) t = replace(t, NAMES, "name", where, out);
      return t;
    },
  };
}

/** Demographic fields dropped on import, by what they hold (compared without case and punctuation). */
const IDENTIFYING_FIELDS: Record<string, RedactionKind> = {
  lastname: "name",
  surname: "name",
  familyname: "name",
  fullname: "name",
  name: "name",
  streetaddress: "address",
  address: "address",
  homeaddress: "address",
  email: "email",
  emailaddress: "email",
  phone: "phone",
  phonenumber: "phone",
  telephone: "phone",
  mobile: "phone",
};

/** The kind of PII a demographic field holds, if it is one to drop. */
export function identifyingField(name: string): RedactionKind | undefined {
  const key = name.toLowerCase().replace(/[^a-z]/g, "");
  return Object.hasOwn(IDENTIFYING_FIELDS, key) ? IDENTIFYING_FIELDS[key] : undefined;
}

/** Counts by kind, for reports: "2 emails, 1 phone number". */
export function describeRedactions(redactions: readonly Redaction[]): string {
  const nouns: Record<RedactionKind, [string, string]> = {
    email: ["email", "emails"],
    phone: ["phone number", "phone numbers"],
    address: ["street address", "street addresses"],
    name: ["name", "names"],
  };
  const counts = new Map<RedactionKind, number>();
  for (const r of redactions) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const parts: string[] = [];
  for (const kind of ["email", "phone", "address", "name"] as const) {
    const n = counts.get(kind);
    if (n) parts.push(`${n} ${nouns[kind][n === 1 ? 0 : 1]}`);
  }
  return parts.length ? parts.join(", ") : "nothing";
}
