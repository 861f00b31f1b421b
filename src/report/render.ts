import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Cell, PlotSpec, ReportDoc, ReportTable } from "./types.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** Find a file of an installed package by walking up node_modules folders from this module. */
function packageFile(relative: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`report: cannot find node_modules/${relative}`);
  }
}

let assets: string | undefined;
/** d3, Observable Plot and the drawing script, read once; `</script` cannot occur inside them. */
function scripts(): string {
  if (assets === undefined) {
    const parts = [
      readFileSync(packageFile("d3/dist/d3.min.js"), "utf8"),
      readFileSync(packageFile("@observablehq/plot/dist/plot.umd.min.js"), "utf8"),
    ];
    assets = parts.map((js) => `<script>${js.replaceAll("</script", "<\\/script")}</script>`).join("\n");
  }
  return assets;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Numbers in tables: integers as they are, others to 3 decimals; missing values as a dash. */
export function formatCell(value: Cell): string {
  if (value === null || (typeof value === "number" && !Number.isFinite(value))) return "—";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(3);
}

/** The one p-value format of every report: three decimals, or "< 0.001"; missing as null. */
export function formatP(p: number | null | undefined): string | null {
  if (p === null || p === undefined || !Number.isFinite(p)) return null;
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function table(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = t.rows
    .map((row) => {
      const cells = row.map((v) => {
        const numeric = typeof v === "number" || v === null;
        const text = formatCell(v);
        // Short cells (numbers, "< 0.001", "[0.373, 0.491]") never break across lines.
        const cls = numeric ? "num" : text.length <= 16 ? "short" : "";
        return `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</td>`;
      });
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  const caption = t.caption ? `<p class="caption">${escapeHtml(t.caption)}</p>` : "";
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${caption}`;
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:24px 20px 48px;background:#fff}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.subtitle{color:#555;margin:0 0 12px}
.note{background:#fff4d6;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.short{white-space:nowrap}
figure{margin:16px 0}figcaption{font-size:13px;color:#555}.plot-title{font-weight:600;margin:0 0 4px}
.caption{font-size:13px;color:#555}footer{color:#888;font-size:12px;margin-top:40px}
h3{font-size:1.05em;margin:24px 0 4px}.glossary dt{font-weight:600}.glossary dd{margin:0 0 6px 16px}
`;

/**
 * One self-contained HTML page: inline CSS, the d3 and Observable Plot bundles, and the plot
 * specs as JSON. All text is escaped; nothing is fetched over the network.
 */
export function renderReport(doc: ReportDoc): string {
  const plots: { slot: string; spec: PlotSpec }[] = [];
  const sections = doc.sections.map((section, s) => {
    const h = section.level === 3 ? "h3" : "h2";
    const parts = [`<section><${h}>${escapeHtml(section.heading)}</${h}>`];
    for (const p of section.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (section.glossary && section.glossary.length > 0) {
      const terms = section.glossary.map(
        (g) => `<dt>${escapeHtml(g.term)}</dt><dd>${escapeHtml(g.meaning)}</dd>`,
      );
      parts.push(`<dl class="glossary">${terms.join("")}</dl>`);
    }
    if (section.table) parts.push(table(section.table));
    (section.plots ?? []).forEach((spec, i) => {
      const slot = `plot-${s}-${i}`;
      plots.push({ slot, spec });
      const title = spec.title ? `<p class="plot-title">${escapeHtml(spec.title)}</p>` : "";
      const caption = spec.caption ? `<figcaption>${escapeHtml(spec.caption)}</figcaption>` : "";
      parts.push(`<figure>${title}<div class="plot-slot" id="${slot}"></div>${caption}</figure>`);
    });
    parts.push("</section>");
    return parts.join("\n");
  });
  // "<" escaped so no string in the data can close the script element.
  const json = JSON.stringify(plots).replaceAll("<", "\\u003c");
  const notes = (doc.notes ?? []).map((n) => `<div class="note">${escapeHtml(n)}</div>`).join("\n");
  const generated = doc.generated ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
${doc.subtitle ? `<p class="subtitle">${escapeHtml(doc.subtitle)}</p>` : ""}
${notes}
${sections.join("\n")}
<footer>Populace report · ${escapeHtml(generated)}</footer>
</main>
<script type="application/json" id="report-plots">${json}</script>
${scripts()}
<script>${readFileSync(join(here, "client.js"), "utf8")}</script>
</body>
</html>
`;
}
