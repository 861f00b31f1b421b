/** Self-contained HTML reports with plots drawn by Observable Plot (no network needed). */
export { type BrowserCheck, type BrowserCheckOptions, checkReportInBrowser } from "./browser-check.ts";
export { escapeHtml, formatCell, formatP, renderReport } from "./render.ts";
export type {
  BarsPlot,
  Cell,
  IntervalsPlot,
  LinesPlot,
  PlotSpec,
  ReportDoc,
  ReportSection,
  ReportTable,
  ScatterPlot,
} from "./types.ts";
