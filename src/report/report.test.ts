import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkReportInBrowser, formatP, type ReportDoc, renderReport } from "./index.ts";

const hostile = `</script><img src=x onerror="alert(1)"> & 'q'`;

const doc: ReportDoc = {
  title: `Fidelity <demo>`,
  subtitle: "GSS items",
  notes: ["Answers come from a statistical baseline, not a language model"],
  sections: [
    {
      heading: "Accuracy",
      paragraphs: [hostile],
      table: {
        columns: ["item", "n", "accuracy"],
        rows: [
          ["cappun", 10, 0.84321],
          [hostile, 3, null],
        ],
      },
      plots: [
        {
          kind: "bars",
          title: "Per-item accuracy vs. retest ceiling",
          domain: [0, 1],
          referenceLabel: "retest",
          data: [
            { label: "cappun", value: 0.7, reference: 0.84 },
            { label: hostile, value: 0.5, reference: null },
          ],
        },
        {
          kind: "bars",
          title: "Distributions",
          data: [
            { label: "favor", series: "human", value: 0.6 },
            { label: "favor", series: "sim", value: 0.7 },
            { label: "oppose", series: "human", value: 0.4 },
            { label: "oppose", series: "sim", value: 0.3 },
          ],
        },
      ],
    },
    {
      heading: "Effects",
      plots: [
        {
          kind: "intervals",
          rule: 0,
          data: [
            { label: "study A", series: "human", estimate: 0.3, lower: 0.1, upper: 0.5 },
            { label: "study A", series: "sim", estimate: 0.5, lower: 0.3, upper: 0.7 },
          ],
        },
        {
          kind: "lines",
          xLabel: "price",
          rule: 0.5,
          data: [
            { x: 0, y: 0.9, lower: 0.8, upper: 1, series: "blind" },
            { x: 1, y: 0.5, lower: 0.4, upper: 0.6, series: "blind" },
            { x: 0, y: 0.8, series: "unblinded" },
            { x: 1, y: null, series: "unblinded" },
          ],
        },
        {
          kind: "scatter",
          diagonal: true,
          data: [
            { x: 0.1, y: 0.2, label: "A" },
            { x: 0.5, y: 0.4, label: "B" },
          ],
        },
      ],
    },
  ],
};

test("renderReport escapes every text and embeds the data safely", () => {
  const html = renderReport(doc);
  assert.ok(!html.includes(`<img src=x`), "raw HTML from text must not reach the page");
  assert.ok(html.includes("&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;q&#39;"));
  assert.ok(html.includes("<title>Fidelity &lt;demo&gt;</title>"));
  assert.ok(html.includes('<td class="num">0.843</td>') && html.includes('<td class="num">—</td>'));
  // Exactly the scripts we put there: data JSON, d3, Plot, the drawing script.
  assert.equal(html.match(/<script/g)?.length, 4);
  assert.ok(!/src="http|href="http/.test(html));
});

test("the page loads in headless Chromium, draws every plot and logs no errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-report-"));
  const path = join(dir, "report.html");
  writeFileSync(path, renderReport(doc));
  const check = await checkReportInBrowser(path, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.slots, 5);
  assert.equal(check.plots, 5);
  assert.deepEqual(check.textProblems, []);
  assert.equal(check.title, "Fidelity <demo>");
});

test("plot text never clips or overlaps: close scatter points, long option labels, long titles", async () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-report-"));
  const path = join(dir, "labels.html");
  const title = `${"A very long question text that runs on, ".repeat(6)}the end.`;
  const option = "Strongly agree with every word of the statement as it is written above";
  writeFileSync(
    path,
    renderReport({
      title: "labels",
      sections: [
        {
          heading: "plots",
          plots: [
            {
              kind: "scatter",
              diagonal: true,
              // Four studies whose effects nearly coincide: their labels used to print on top of each other.
              data: [0.4, 0.41, 0.42, 1.4].map((x, i) => ({
                x,
                y: x + 0.01 * i,
                label: `study number ${i + 1}`,
              })),
            },
            {
              kind: "bars",
              title,
              data: [
                { label: option, value: 0.4 },
                { label: "Disagree", value: 0.6 },
              ],
            },
            {
              kind: "bars",
              data: [option, "Disagree"].flatMap((label) => [
                { label, series: "control", value: 0.5 },
                { label, series: "framed", value: 0.5 },
              ]),
            },
          ],
        },
      ],
    }),
  );
  const check = await checkReportInBrowser(path);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  assert.equal(check.plots, 3);
  // The title is shown whole (it wraps), never cut with an ellipsis.
  assert.ok(readFileSync(path, "utf8").includes(`<p class="plot-title">${title}</p>`));
});

test("one p-value format: three decimals, or < 0.001", () => {
  assert.deepEqual([0.0004, 0.001, 0.01234, 0.5, 1, null, Number.NaN].map(formatP), [
    "< 0.001",
    "0.001",
    "0.012",
    "0.500",
    "1.000",
    null,
    null,
  ]);
});

test("a broken plot spec shows up as a console error and an undrawn slot", async () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-report-"));
  const path = join(dir, "bad.html");
  const bad = { title: "bad", sections: [{ heading: "x", plots: [{ kind: "pie", data: [] }] }] };
  writeFileSync(path, renderReport(bad as unknown as ReportDoc));
  const check = await checkReportInBrowser(path);
  assert.equal(check.plots, 0);
  assert.equal(check.slots, 1);
  assert.match(check.consoleErrors.join("\n"), /unknown plot kind "pie"/);
});
