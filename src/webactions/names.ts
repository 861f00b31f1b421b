/**
 * Hierarchical names for a page's interactable elements: each element's own words (text, label,
 * ARIA label…), prefixed by the names of the groups around it (ARIA label, legend, caption, a
 * leading heading, a meaningful id, a landmark). A repeated name is numbered among equal names of
 * its group only, so an edit elsewhere leaves other names as they were.
 */
import { interactiveKind, isTypeable } from "./elements.ts";
import type { NamedElement } from "./simplify.ts";
import { collapse, type El, GROUPS, textOf } from "./tree.ts";

/** Repeated items of a list: named by their heading (a product's title). */
const ITEMS = new Set(["li", "tr", "article", "figure"]);
/** Ids that name the page's layout, not a part of it. */
const LAYOUT_IDS = new Set(["main", "content", "container", "wrapper", "page", "app", "root", "body"]);
const HEADING = /^h([1-6])$/;
const LANDMARK_NAMES: Record<string, string> = { nav: "nav", header: "header", footer: "footer" };

/** "View Product →" → "view_product": lower case, letters and digits, at most 5 words / 40 characters. */
export function slug(text: string): string {
  const words = text
    .replace(/\p{So}/gu, " ")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 5);
  let out = "";
  for (const w of words) {
    const next = out ? `${out}_${w}` : w;
    if (next.length > 40) break;
    out = next;
  }
  return out || words[0]?.slice(0, 40) || "";
}

/** Ids made by frameworks ("a-autoid-12", "ember1234", hashes) say nothing about the element. */
function meaningfulId(id: string | undefined): string | undefined {
  if (!id || /\d{3,}|[0-9a-f]{8,}|^[_:]/i.test(id) || LAYOUT_IDS.has(id.toLowerCase())) return undefined;
  return id;
}

export interface Context {
  textById: Map<string, string>;
  labelFor: Map<string, string>;
  usedHeadings: Set<El>;
}

export function indexDocument(nodes: (El | string)[], ctx: Context): void {
  for (const n of nodes) {
    if (typeof n === "string") continue;
    const id = n.attrs.get("id");
    if (id && !ctx.textById.has(id)) ctx.textById.set(id, collapse(textOf(n)));
    if (n.tag === "label" && n.attrs.has("for")) ctx.labelFor.set(n.attrs.get("for")!, collapse(textOf(n)));
    indexDocument(n.children, ctx);
  }
}

function ariaName(el: El, ctx: Context): string {
  const label = el.attrs.get("aria-label")?.trim();
  if (label) return label;
  const ids = el.attrs.get("aria-labelledby")?.split(/\s+/).filter(Boolean) ?? [];
  return collapse(ids.map((id) => ctx.textById.get(id) ?? "").join(" "));
}

/** What an interactable element is called, in the page's own words. */
function localName(el: El, ctx: Context, wrappingLabel: string | undefined): string {
  const attr = (k: string) => el.attrs.get(k)?.trim() ?? "";
  const forLabel = el.attrs.has("id") ? (ctx.labelFor.get(el.attrs.get("id")!) ?? "") : "";
  const text = collapse(textOf(el));
  const candidates =
    el.kind === "link" || el.kind === "button" || el.kind === "option"
      ? [text, ariaName(el, ctx), attr("title"), attr("value"), attr("name"), meaningfulId(attr("id")) ?? ""]
      : el.kind === "checkbox" || el.kind === "radio"
        ? [forLabel, wrappingLabel ?? "", ariaName(el, ctx), attr("value"), attr("name")]
        : [
            forLabel,
            wrappingLabel ?? "",
            ariaName(el, ctx),
            attr("placeholder"),
            attr("title"),
            attr("name"),
            meaningfulId(attr("id")) ?? "",
          ];
  for (const c of candidates) {
    const s = slug(c);
    if (s) return s;
  }
  return el.kind ?? "element";
}

interface Outline {
  headings: { level: number; text: string; el: El }[];
  /** An interactable element starts before the first heading. */
  interactableFirst: boolean;
  interactables: number;
}

function outline(
  el: El,
  acc: Outline = { headings: [], interactableFirst: false, interactables: 0 },
): Outline {
  for (const c of el.children) {
    if (typeof c === "string") continue;
    const h = HEADING.exec(c.tag);
    if (h) acc.headings.push({ level: Number(h[1]), text: collapse(textOf(c)), el: c });
    if (c.kind) {
      if (acc.headings.length === 0) acc.interactableFirst = true;
      acc.interactables++;
    }
    outline(c, acc);
  }
  return acc;
}

/** A group's name: its ARIA label, legend or caption, a heading that leads it, its id, or its landmark. */
function groupName(el: El, ctx: Context, usedHeadings: Set<El>): string {
  const aria = slug(ariaName(el, ctx));
  if (aria) return aria;
  const first = el.children.find(
    (c): c is El => typeof c !== "string" && (c.tag === "legend" || c.tag === "caption"),
  );
  if (first && (el.tag === "fieldset" || el.tag === "table")) {
    const s = slug(textOf(first));
    if (s) return s;
  }
  const o = outline(el);
  // A list item, row or card is named by its heading even after an image link; any other group
  // only by a heading that comes before its controls.
  if (o.headings.length > 0 && (!o.interactableFirst || ITEMS.has(el.tag))) {
    const lead = o.headings[0];
    // A heading names one group only: the outermost of the wrappers around it.
    if (!usedHeadings.has(lead.el) && o.headings.slice(1).every((h) => h.level > lead.level)) {
      usedHeadings.add(lead.el);
      // Counts in section headings ("42 results for …") change between visits; the words name
      // the group. An item's heading keeps its numbers ("Speedcross 6").
      const words = ITEMS.has(el.tag) ? lead.text : lead.text.replace(/\b\d[\d,.]*\b/g, " ");
      const s = slug(words) || slug(lead.text);
      if (s) return s;
    }
  }
  const id = slug(meaningfulId(el.attrs.get("id")) ?? "");
  if (id) return id;
  const role = el.attrs.get("role");
  if (
    role === "search" ||
    (el.tag === "form" && role === undefined && el.attrs.get("action")?.includes("search"))
  ) {
    return "search";
  }
  if (role === "navigation") return "nav";
  return LANDMARK_NAMES[el.tag] ?? "";
}

export function markInteractive(nodes: (El | string)[], insideSelect: boolean): void {
  for (const n of nodes) {
    if (typeof n === "string") continue;
    const kind = interactiveKind(n.tag, (k) => n.attrs.get(k), insideSelect);
    if (kind) n.kind = kind;
    markInteractive(n.children, insideSelect || n.tag === "select");
  }
}

export class Scope {
  readonly path: string[];
  private readonly used = new Map<string, number>();
  private readonly taken = new Set<string>();
  constructor(path: string[]) {
    this.path = path;
  }
  /**
   * The name itself the first time, then name_2, name_3… among equal names of this scope
   * (skipping a suffixed name the page already uses, such as "http_2" for "HTTP/2").
   */
  take(name: string): string {
    let n = this.used.get(name) ?? 0;
    let out: string;
    do {
      n++;
      out = n === 1 ? name : `${name}_${n}`;
    } while (this.taken.has(out));
    this.used.set(name, n);
    this.taken.add(out);
    return out;
  }
}

function hasInteractable(el: El): boolean {
  return el.children.some((c) => typeof c !== "string" && (c.kind !== undefined || hasInteractable(c)));
}

export function assignNames(
  nodes: (El | string)[],
  scope: Scope,
  ctx: Context,
  out: NamedElement[],
  label: string | undefined,
  keyAttribute: string | undefined,
): void {
  for (const n of nodes) {
    if (typeof n === "string") continue;
    const wrapping = n.tag === "label" ? collapse(textOf(n)) : label;
    if (n.kind) {
      let local = localName(n, ctx, wrapping);
      // A card's title link repeats the card's name: call it what it is.
      if (local === scope.path[scope.path.length - 1]) local = n.kind === "link" ? "title" : n.kind;
      n.name = [...scope.path, scope.take(local)].join(".");
      const key = keyAttribute ? n.attrs.get(keyAttribute) : undefined;
      out.push({
        name: n.name,
        kind: n.kind,
        tag: n.tag,
        text: collapse(n.kind === "checkbox" || n.kind === "radio" ? (wrapping ?? textOf(n)) : textOf(n)),
        typeable: isTypeable(n.tag, (k) => n.attrs.get(k)),
        ...(key !== undefined ? { key } : {}),
      });
      // A select names its options under its own name.
      const inner = hasInteractable(n) ? new Scope(n.name.split(".")) : scope;
      assignNames(n.children, inner, ctx, out, wrapping, keyAttribute);
      continue;
    }
    if (GROUPS.has(n.tag) && hasInteractable(n)) {
      const g = slug(groupName(n, ctx, ctx.usedHeadings));
      if (g) {
        n.name = [...scope.path, scope.take(g)].join(".");
        assignNames(n.children, new Scope(n.name.split(".")), ctx, out, wrapping, keyAttribute);
        continue;
      }
    }
    assignNames(n.children, scope, ctx, out, wrapping, keyAttribute);
  }
}
