/**
 * The interactable elements of a page, and the named elements of a simplified context (ours, or
 * one from a dataset such as OPeRA, whose simplified HTML carries the same `name` attributes).
 */
import { type DefaultTreeAdapterMap, parse } from "parse5";

export type ElementKind =
  | "link"
  | "button"
  | "input"
  | "checkbox"
  | "radio"
  | "select"
  | "option"
  | "textarea"
  | "textbox";

const BUTTON_INPUTS = new Set(["submit", "button", "reset", "image"]);
const TEXT_INPUTS = new Set([
  "",
  "text",
  "search",
  "email",
  "number",
  "tel",
  "url",
  "password",
  "date",
  "month",
  "week",
  "time",
  "datetime-local",
]);
const ROLE_KINDS: Record<string, ElementKind> = {
  button: "button",
  link: "link",
  tab: "button",
  menuitem: "button",
  switch: "checkbox",
  checkbox: "checkbox",
  radio: "radio",
  option: "option",
  searchbox: "textbox",
  textbox: "textbox",
  combobox: "textbox",
};

type Attr = (name: string) => string | undefined;

/** What kind of interactable element this is, or undefined when it is not one. */
export function interactiveKind(tag: string, attr: Attr, insideSelect: boolean): ElementKind | undefined {
  switch (tag) {
    case "a":
      return attr("href") !== undefined || attr("onclick") !== undefined ? "link" : roleKind(attr);
    case "button":
    case "summary":
      return "button";
    case "input": {
      const type = (attr("type") ?? "").toLowerCase();
      if (type === "hidden") return undefined;
      if (BUTTON_INPUTS.has(type)) return "button";
      if (type === "checkbox" || type === "radio") return type;
      return "input";
    }
    case "select":
      return "select";
    case "option":
      return insideSelect ? "option" : undefined;
    case "textarea":
      return "textarea";
  }
  if ((attr("contenteditable") ?? "").toLowerCase() === "true") return "textbox";
  return roleKind(attr) ?? (attr("onclick") !== undefined ? "button" : undefined);
}

function roleKind(attr: Attr): ElementKind | undefined {
  const role = attr("role")?.toLowerCase();
  return role && Object.hasOwn(ROLE_KINDS, role) ? ROLE_KINDS[role] : undefined;
}

/** Can text be typed into it (the target of type_and_submit)? */
export function isTypeable(tag: string, attr: Attr): boolean {
  if (tag === "textarea") return true;
  if (tag === "input") return TEXT_INPUTS.has((attr("type") ?? "").toLowerCase());
  if ((attr("contenteditable") ?? "").toLowerCase() === "true") return true;
  const role = attr("role")?.toLowerCase();
  return role === "searchbox" || role === "textbox" || role === "combobox";
}

export interface ContextElement {
  name: string;
  tag: string;
  typeable: boolean;
}

type P5Node = DefaultTreeAdapterMap["childNode"];

/**
 * The named elements of a simplified context, in document order (the first of a repeated name
 * wins). Any named element can be clicked; only text fields can be typed into.
 */
export function contextElements(html: string): ContextElement[] {
  const out: ContextElement[] = [];
  const seen = new Set<string>();
  const walk = (nodes: P5Node[]) => {
    for (const n of nodes) {
      if (!("tagName" in n)) continue;
      const attrs = new Map(n.attrs.map((a) => [a.name, a.value]));
      const name = attrs.get("name")?.trim();
      if (name && !seen.has(name)) {
        seen.add(name);
        out.push({ name, tag: n.tagName, typeable: isTypeable(n.tagName, (k) => attrs.get(k)) });
      }
      walk(n.childNodes);
      if (n.tagName === "template") walk((n as DefaultTreeAdapterMap["template"]).content.childNodes);
    }
  };
  walk(parse(html).childNodes);
  return out;
}
