/** The page tree the simplifier works on: parse5's, less what is dropped, with names added. */
import type { ElementKind } from "./elements.ts";

export interface El {
  tag: string;
  attrs: Map<string, string>;
  children: (El | string)[];
  kind?: ElementKind;
  /** The hierarchical name, once given. */
  name?: string;
}

/** Structure kept as it is (the paper keeps lists, tables, headings and forms). */
export const KEEP = new Set([
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "p",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "caption",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "form",
  "fieldset",
  "legend",
  "label",
  "nav",
  "header",
  "footer",
  "main",
  "section",
  "article",
  "aside",
  "dialog",
  "details",
  "blockquote",
]);
/** Containers that may name a group of interactable elements. */
export const GROUPS = new Set([
  "div",
  "section",
  "article",
  "aside",
  "nav",
  "header",
  "footer",
  "main",
  "form",
  "fieldset",
  "li",
  "ul",
  "ol",
  "table",
  "tr",
  "dl",
  "dialog",
  "details",
  "figure",
]);
export const BLOCK = new Set([...KEEP, ...GROUPS, "br", "pre", "address", "figcaption"]);

export function textOf(node: El | string): string {
  if (typeof node === "string") return node;
  if (node.tag === "input") return "";
  return node.children.map(textOf).join(BLOCK.has(node.tag) ? " " : "");
}

export const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
