/**
 * A report is data: headings, text, tables and declarative plot specs. The page serializes the
 * specs as JSON and Observable Plot draws them in the browser, so a report needs no server.
 */

export type Cell = string | number | null;

export interface ReportTable {
  columns: string[];
  rows: Cell[][];
  /** Shown under the table (e.g. "— = undefined: fewer than 3 pairs"). */
  caption?: string;
}

interface PlotBase {
  title?: string;
  caption?: string;
  /** Fixed value axis, e.g. [0, 1] for shares. */
  domain?: [number, number];
  /** Label of the value axis. */
  valueLabel?: string;
  /** Room for the labels in px; give several plots the same value so their value axes line up. */
  marginLeft?: number;
}

/** One bar per label (or per label × series), with optional error bars and reference ticks. */
export interface BarsPlot extends PlotBase {
  kind: "bars";
  data: {
    label: string;
    value: number | null;
    /** Several series per label are drawn as grouped bars with a colour legend. */
    series?: string;
    lower?: number | null;
    upper?: number | null;
    /** A reference per label drawn as a black tick (e.g. the test-retest ceiling). */
    reference?: number | null;
  }[];
  referenceLabel?: string;
  /** A vertical rule across the whole plot (e.g. the DPD's group mean, or 0). */
  rule?: number;
}

/** Point estimates with intervals per label (and series), e.g. effect sizes with CIs. */
export interface IntervalsPlot extends PlotBase {
  kind: "intervals";
  data: {
    label: string;
    estimate: number | null;
    lower: number | null;
    upper: number | null;
    series?: string;
  }[];
  /** A vertical reference rule, typically 0 (no effect). */
  rule?: number;
}

/** x against y per point (e.g. human vs. simulated effect size per study), with a y = x line. */
/**
 * Points are not labelled on the plot (labels of nearby points would overlap): each point's label
 * shows on hover, and the section's table lists every point.
 */
export interface ScatterPlot extends PlotBase {
  kind: "scatter";
  data: { x: number; y: number; label?: string; series?: string }[];
  xLabel?: string;
  yLabel?: string;
  /** Draw the line y = x (perfect agreement). */
  diagonal?: boolean;
}

/**
 * y against a numeric x, one line per series, with an optional interval band (e.g. a demand
 * curve: purchase share per price with its CI; or a mean per round).
 */
export interface LinesPlot extends PlotBase {
  kind: "lines";
  data: { x: number; y: number | null; lower?: number | null; upper?: number | null; series?: string }[];
  xLabel?: string;
  /** Fixed x axis; `domain` fixes the y axis. */
  xDomain?: [number, number];
  /** A horizontal reference rule (e.g. 0, or an equal split). */
  rule?: number;
}

export type PlotSpec = BarsPlot | IntervalsPlot | ScatterPlot | LinesPlot;

export interface ReportSection {
  heading: string;
  /** 3 for a part of the section before it (e.g. one item of "Answers"); default 2. */
  level?: 2 | 3;
  paragraphs?: string[];
  /** Terms with their meaning in plain language (e.g. what JSD and DPD measure), shown first. */
  glossary?: { term: string; meaning: string }[];
  table?: ReportTable;
  plots?: PlotSpec[];
}

export interface ReportDoc {
  title: string;
  subtitle?: string;
  /** Banners shown at the top, e.g. "Answers come from a statistical baseline, not a language model". */
  notes?: string[];
  sections: ReportSection[];
  /** Shown in the footer; defaults to the time the page was rendered. */
  generated?: string;
}
