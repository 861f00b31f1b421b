/**
 * Real HTML → the simplified HTML of Lu et al. (2025, appendix B): scripts, styles and purely
 * visual parts removed; lists, tables, headings and forms kept; every interactable element
 * (links, buttons, inputs) carries a unique hierarchical `name` built from the names of the
 * groups around it, e.g. `columbia_shirt.view_product`.
 *
 * Names are stable: they come from the page's own words (labels, headings, text), and a repeated
 * name gets a numeric suffix counted only among equal names in the same group, so an edit
 * elsewhere on the page leaves other names as they were.
 */
import { type DefaultTreeAdapterMap, parse } from "parse5";
import { escapeHtml } from "../report/index.ts";
import type { ElementKind } from "./elements.ts";
import { assignNames, type Context, indexDocument, markInteractive, Scope } from "./names.ts";
import { BLOCK, type El, KEEP } from "./tree.ts";

export { slug } from "./names.ts";

type P5Node = DefaultTreeAdapterMap["childNode"];
type P5Element = DefaultTreeAdapterMap["element"];

export interface NamedElement {
  name: string;
  kind: ElementKind;
  tag: string;
  /** Visible text (or label) of the element, collapsed. */
  text: string;
  /** Can be typed into (type_and_submit). */
  typeable: boolean;
  /** The value of `keyAttribute` on the source element, when asked for. */
  key?: string;
}

export interface SimplifiedPage {
  html: string;
  /** Every named element in document order. */
  elements: NamedElement[];
}

export interface SimplifyOptions {
  /** An attribute whose value is reported as `key` of the element that carries it (not kept in the HTML). */
  keyAttribute?: string;
}

/** Elements removed with everything inside them. */
const DROP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "canvas",
  "iframe",
  "object",
  "embed",
  "link",
  "meta",
  "head",
  "title",
  "base",
  "video",
  "audio",
  "source",
  "track",
  "picture",
  "map",
  "hr",
  "wbr",
]);
const VOID = new Set(["input", "br"]);
const BLOCK_TAG_SPACE = new RegExp(
  `\\s*(</?(?:${[...BLOCK, "select", "option", "optgroup", "textarea"].join("|")})(?:\\s[^>]*)?>)\\s*`,
  "g",
);
/** Attributes kept in the output, besides `name`. */
const KEPT_ATTRS: Record<string, string[]> = {
  "*": ["role", "aria-label"],
  input: ["type", "value", "placeholder", "checked", "disabled"],
  textarea: ["placeholder"],
  option: ["selected"],
  button: ["disabled"],
};
function isHidden(el: P5Element): boolean {
  const attrs = new Map(el.attrs.map((a) => [a.name, a.value]));
  if (attrs.has("hidden") || attrs.get("aria-hidden") === "true") return true;
  if (el.tagName === "input" && (attrs.get("type") ?? "").toLowerCase() === "hidden") return true;
  const style = (attrs.get("style") ?? "").replace(/\s+/g, "").toLowerCase();
  return style.includes("display:none") || style.includes("visibility:hidden");
}

/** parse5 tree → our tree without dropped, hidden or visual-only parts; images become their alt text. */
function convert(nodes: P5Node[], out: (El | string)[]): void {
  for (const node of nodes) {
    if (node.nodeName === "#text") out.push((node as DefaultTreeAdapterMap["textNode"]).value);
    if (!("tagName" in node)) continue;
    const tag = node.tagName.toLowerCase();
    if (DROP.has(tag) || isHidden(node)) continue;
    if (tag === "img") {
      const alt = node.attrs.find((a) => a.name === "alt")?.value.trim();
      if (alt) out.push(` ${alt} `);
      continue;
    }
    const el: El = {
      tag,
      attrs: new Map(node.attrs.map((a) => [a.name.toLowerCase(), a.value])),
      children: [],
    };
    convert(node.childNodes, el.children);
    out.push(el);
  }
}

function attributes(el: El): string {
  const keep = [...KEPT_ATTRS["*"], ...(KEPT_ATTRS[el.tag] ?? [])];
  let s = el.name ? ` name="${escapeHtml(el.name)}"` : "";
  for (const k of keep) {
    const v = el.attrs.get(k);
    if (v === undefined) continue;
    if (k === "type" && v.toLowerCase() === "text") continue;
    s += v === "" ? ` ${k}` : ` ${k}="${escapeHtml(v.trim())}"`;
  }
  return s;
}

function serialize(node: El | string): string {
  if (typeof node === "string") return escapeHtml(node.replace(/\s+/g, " "));
  const inner = node.children.map(serialize).join("");
  const kept = KEEP.has(node.tag) || node.kind !== undefined || node.name !== undefined;
  if (!kept) {
    // Purely presentational wrappers go; their content stays, apart from its neighbours if a block.
    return BLOCK.has(node.tag) ? ` ${inner} ` : inner;
  }
  if (VOID.has(node.tag)) return node.tag === "br" ? " " : `<input${attributes(node)}>`;
  const body = inner.replace(/\s+/g, " ").trim();
  if (body === "" && node.kind === undefined && node.tag !== "td" && node.tag !== "th") return "";
  return `<${node.tag}${attributes(node)}>${body}</${node.tag}>`;
}

/** Simplifies a page and names its interactable elements. */
export function simplifyHtml(html: string, options: SimplifyOptions = {}): SimplifiedPage {
  const doc = parse(html);
  const root: El = { tag: "#root", attrs: new Map(), children: [] };
  convert(doc.childNodes, root.children);
  const ctx: Context = { textById: new Map(), labelFor: new Map(), usedHeadings: new Set() };
  indexDocument(root.children, ctx);
  markInteractive(root.children, false);
  const elements: NamedElement[] = [];
  assignNames(root.children, new Scope([]), ctx, elements, undefined, options.keyAttribute);
  const body = root.children.map(serialize).join("").replace(/\s+/g, " ");
  // Spaces next to block tags carry nothing; those between inline elements separate words.
  return { html: body.replace(BLOCK_TAG_SPACE, "$1").trim(), elements };
}
