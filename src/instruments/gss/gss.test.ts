import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";
import { gssPanelCoverage } from "../../datasets/gss-panel/index.ts";
import { UserError } from "../../errors/index.ts";
import {
  canonicalAnswer,
  classifyGssAnswer,
  cleanQuestionText,
  DEFAULT_GSS_ITEMS,
  GSS_DEMOGRAPHICS,
  gssItems,
  labelKey,
} from "./index.ts";

const dataDir = resolveDataDir();

test("items come from the codebook with clean text, types and canonical options", () => {
  const [cappun, abany, polviews, age, eqwlth, tvhours] = gssItems(dataDir, [
    "cappun",
    "abany",
    "polviews",
    "age",
    "eqwlth",
    "tvhours",
  ]);
  assert.equal(cappun.text, "Do you favor or oppose the death penalty for persons convicted of murder?");
  assert.equal(cappun.type, "multiple_choice");
  assert.deepEqual(cappun.options, ["Favor", "Oppose"]);
  assert.equal(abany.type, "yes_no");
  assert.deepEqual(abany.options, ["Yes", "No"]);
  assert.match(abany.text, /^Please tell me whether or not/);
  assert.deepEqual(polviews.options, [
    "Extremely liberal",
    "Liberal",
    "Slightly liberal",
    "Moderate, middle of the road",
    "Slightly conservative",
    "Conservative",
    "Extremely conservative",
  ]);
  assert.deepEqual([age.type, age.min, age.max], ["numeric", 18, 89]);
  assert.deepEqual([tvhours.type, tvhours.min, tvhours.max], ["numeric", 0, 24]);
  // An endpoint-labelled 7-point scale keeps its unlabelled middle points.
  assert.equal(eqwlth.options?.length, 7);
  assert.equal(eqwlth.options?.[0], "1 - The government should reduce income differences");
  assert.equal(eqwlth.options?.[3], "4");
});

test("question numbering and sub-item letters are removed", () => {
  assert.equal(cleanQuestionText("82b. Do you favor it?"), "Do you favor it?");
  assert.equal(
    cleanQuestionText("68. Too much, too little, or about the right amount. a. Space exploration program."),
    "Too much, too little, or about the right amount. Space exploration program.",
  );
  for (const q of gssItems(dataDir)) assert.doesNotMatch(q.text, /^\d+[a-z]?\.\s/, q.id);
});

test("all items without ids: every question, no bookkeeping variables", () => {
  const ids = gssItems(dataDir).map((q) => q.id);
  assert.ok(ids.length > 100, `${ids.length} items`);
  for (const id of ["year", "wtssall", "wtssnr"]) assert.ok(!ids.includes(id));
  for (const id of DEFAULT_GSS_ITEMS) assert.ok(ids.includes(id), id);
});

test("raw values of both panel files map onto the same canonical options", () => {
  const cases: [string, string, string | null][] = [
    ["polviews", "Slghtly Conservative", "Slightly conservative"],
    ["polviews", "Extrmly Conservative", "Extremely conservative"],
    ["polviews", "Moderate", "Moderate, middle of the road"],
    ["polviews", "moderate, middle of the road", "Moderate, middle of the road"],
    ["partyid", "Ind,near Rep", "Independent, close to Republican"],
    ["partyid", "Not Str Democrat", "Not very strong Democrat"],
    ["degree", "Lt High School", "Less than high school"],
    ["degree", "Bachelor", "Bachelor's"],
    ["income", "$20000 - 24999", "$20,000 to $24,999"],
    ["income", "Lt $1000", "Under $1,000"],
    ["region", "E. Sou. Central", "East South Central"],
    ["region", "east south atlantic", "East South Central"],
    ["attend", "more Thn Once Wk", "Several times a week"],
    ["trust", "Cannot Trust", "Can't be too careful"],
    ["trust", "can't trust", "Can trust"],
    ["homosex", "Almst Always Wrg", "Almost always wrong"],
    ["news", "Everyday", "Every day"],
    ["eqwlth", "Govt Reduce Diff", "1 - The government should reduce income differences"],
    ["eqwlth", "5", "5"],
    ["tvhours", "0 hours", "0"],
    ["age", "89 or Older", "89"],
    ["cappun", "", null],
    ["income", "refused", null],
    ["cappun", "Maybe", null],
  ];
  for (const [item, raw, expected] of cases)
    assert.equal(canonicalAnswer(item, raw, dataDir), expected, `${item}: ${raw}`);
  assert.equal(classifyGssAnswer("income", "refused", dataDir).kind, "missing");
  assert.equal(classifyGssAnswer("cappun", "Maybe", dataDir).kind, "unmapped");
});

test("every option text is its own canonical answer", () => {
  for (const q of gssItems(dataDir)) {
    for (const option of q.options ?? []) assert.equal(canonicalAnswer(q.id, option, dataDir), option, q.id);
  }
});

test("coverage: >= 99% of substantive values of every item in both panel files map to an option", (t) => {
  const coverage = gssPanelCoverage(dataDir);
  const demographics = new Set<string>(GSS_DEMOGRAPHICS);
  const shares = new Map<string, string[]>();
  const unmapped: string[] = [];
  let checked = 0;
  for (const [file, items] of Object.entries(coverage)) {
    for (const [item, c] of Object.entries(items)) {
      const substantive = c.nonEmpty - c.missingCodes;
      if (substantive === 0) continue;
      const share = c.mapped / substantive;
      shares.set(item, [
        ...(shares.get(item) ?? []),
        `${file} ${(100 * share).toFixed(2)}% of ${substantive}`,
      ]);
      for (const [label, n] of Object.entries(c.unmapped)) unmapped.push(`${file}/${item}: "${label}" x${n}`);
      assert.ok(share >= 0.99, `${file}/${item}: ${share} unmapped ${JSON.stringify(c.unmapped)}`);
      checked++;
    }
  }
  for (const [item, s] of shares)
    t.diagnostic(`${item}${demographics.has(item) ? " (demographic)" : ""}: ${s.join(", ")}`);
  t.diagnostic(`unmapped labels: ${unmapped.length ? unmapped.join("; ") : "none"}`);
  assert.ok(checked > 200, `${checked} file/item pairs checked`);
});

test("unknown items and missing codebooks are clear errors", () => {
  assert.throws(
    () => gssItems(dataDir, ["cappun", "nosuchitem"]),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(
        e.message,
        /unknown GSS item "nosuchitem": the GSS panel codebook .* has no such variable/,
      );
      return true;
    },
  );
  // A near miss gets the item it most likely meant, never a weight or bookkeeping variable.
  assert.throws(() => gssItems(dataDir, ["capun"]), /unknown GSS item "capun"; did you mean "cappun"\?/);
  assert.throws(
    () => gssItems(dataDir, ["wtsall"]),
    (e: Error) => !/did you mean/.test(e.message),
  );
  assert.throws(
    () => gssItems(dataDir, ["yeer"]),
    (e: Error) => !/did you mean/.test(e.message),
  );
  assert.throws(() => canonicalAnswer("nosuchitem", "Yes", dataDir), UserError);
  assert.throws(() => gssItems(dataDir, ["year"]), /not a question/);
  const empty = mkdtempSync(join(tmpdir(), "populace-gss-"));
  assert.throws(
    () => gssItems(empty),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /gss-panel\/gss_panel_codebook\.csv/);
      assert.ok(e.message.includes(empty));
      return true;
    },
  );
});

test("a malformed codebook row is reported with file and line", () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-gss-"));
  const sub = join(dir, "gss-panel");
  mkdirSync(sub);
  writeFileSync(
    join(sub, "gss_panel_codebook.csv"),
    '"variable","label","var_text","value_labels"\n"cappun","x","1. Q?","[1] favor; [2] oppose"\n"","y","2. Q?","[1] yes"\n',
  );
  assert.throws(() => gssItems(dir), /gss_panel_codebook\.csv:3: empty variable name/);
});

test("label keys: words that name built-in object properties stay words", () => {
  assert.equal(labelKey("Constructor"), "constructor");
  assert.equal(labelKey("toString or valueOf"), "tostring or valueof");
  // A repeated label is served from the memo with the same key.
  assert.equal(labelKey("Constructor"), "constructor");
});
