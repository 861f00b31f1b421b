import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors/index.ts";
import { csvLine, parseCsv } from "./csv.ts";

test("parses quoted fields with commas, quotes and newlines, and tracks line numbers", () => {
  const t = parseCsv('a,b\n1,"x, ""y"""\n"multi\nline",3\r\n4,5\n', "t.csv");
  assert.deepEqual(t.header, ["a", "b"]);
  assert.deepEqual(t.rows, [
    ["1", 'x, "y"'],
    ["multi\nline", "3"],
    ["4", "5"],
  ]);
  assert.deepEqual(t.lines, [2, 3, 5]);
});

test("a row with the wrong number of fields names file and line", () => {
  assert.throws(
    () => parseCsv("a,b\n1,2\n3\n", "bad.csv"),
    (e: unknown) => e instanceof UserError && e.message.startsWith("bad.csv:3:"),
  );
});

test("csvLine round-trips through parseCsv", () => {
  const values = ["plain", 'quote "q"', "comma,here", "new\nline", ""];
  const t = parseCsv(`${csvLine(values.map((_, i) => `c${i}`))}\n${csvLine(values)}\n`);
  assert.deepEqual(t.rows[0], values);
});
