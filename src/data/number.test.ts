import assert from "node:assert/strict";
import { test } from "node:test";
import { isMissingValue, parseNumber } from "./number.ts";

test("decimal numbers parse; NA, NaN, . and empty are missing; hex and Infinity are not numbers", () => {
  for (const [text, value] of [
    ["3", 3],
    [" -0.5 ", -0.5],
    ["+2.", 2],
    [".25", 0.25],
    ["1e3", 1000],
    ["-4.5E-2", -0.045],
  ] as const) {
    assert.equal(parseNumber(text), value, text);
  }
  for (const text of ["", "  ", "NA", "na", "NaN", "nan", "."]) {
    assert.equal(parseNumber(text), null, JSON.stringify(text));
    assert.ok(isMissingValue(text));
  }
  // Number() accepts every one of these; none is a number in a data file.
  for (const text of ["0x10", "0b1", "0o7", "Infinity", "-Infinity", "1,5", "12 kg", "1e999", "--1"]) {
    assert.equal(parseNumber(text), undefined, text);
    assert.ok(!isMissingValue(text));
  }
});
