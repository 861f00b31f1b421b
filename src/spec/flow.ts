import type { z } from "zod";
import type { DesignSpec } from "./design.ts";
import type { SurveySpec } from "./instrument.ts";

interface FlowStudy {
  instrument: SurveySpec;
  design: DesignSpec;
}

/** `{{ID}}` in an item's text: an earlier answer piped in. */
const PIPE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;

export function pipedIds(text: string): string[] {
  return [...text.matchAll(PIPE)].map((m) => m[1]);
}

/**
 * Cross-field rules of survey flow and assignment: skip, stop and piping rules need the
 * sequential flow and may only look back at items asked earlier; a condition's answers must be
 * the item's own options; numbers' conditions take min/max; blocking needs between subjects.
 */
export function checkFlow(study: FlowStudy, ctx: Pick<z.RefinementCtx, "addIssue">): void {
  const items = study.instrument.items;
  const sequential = study.instrument.flow === "sequential";
  const position = new Map<string, number>();
  for (const [i, item] of items.entries()) position.set("gss" in item ? item.gss : item.id, i);
  items.forEach((item, i) => {
    const at = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path: ["instrument", "items", i, ...path], message });
    const uses: [string, string][] = [];
    if (item.when) uses.push(["when", item.when.item]);
    if (item.stop_when) uses.push(["stop_when", item.stop_when.item]);
    const text = "text" in item ? item.text : "";
    for (const piped of pipedIds(text)) uses.push(["text", piped]);
    if (!sequential && (uses.length > 0 || item.randomize_options)) {
      const what = uses.length > 0 ? uses[0][0] : "randomize_options";
      at([what], "needs instrument.flow: sequential (items are then asked one at a time, in order)");
      return;
    }
    for (const [field, ref] of uses) {
      const j = position.get(ref);
      // stop_when looks at the item itself; when and piping at items asked before it.
      const allowed = field === "stop_when" ? j !== undefined && j <= i : j !== undefined && j < i;
      if (!allowed) {
        const earlier = items
          .slice(0, field === "stop_when" ? i + 1 : i)
          .map((x) => ("gss" in x ? x.gss : x.id));
        at(
          field === "text" ? ["text"] : [field, "item"],
          j === undefined
            ? `"${ref}" is not an item of this study`
            : `"${ref}" comes later; ${field === "stop_when" ? "stop_when looks at this item or an earlier one" : "only earlier items can be used"} (${earlier.join(", ") || "none"})`,
        );
        continue;
      }
      if (field === "text") continue;
      const condition = field === "when" ? item.when! : item.stop_when!;
      const target = items[j!];
      if (!("type" in target)) continue; // a GSS item's options are checked when it is read from the codebook
      const options =
        target.type === "yes_no"
          ? ["Yes", "No"]
          : "options" in target
            ? (target.options as string[])
            : undefined;
      if (condition.in && options) {
        const bad = condition.in.find((v) => !options.includes(String(v)));
        if (bad !== undefined) {
          at([field, "in"], `"${bad}" is not an option of "${ref}" (${options.join(", ")})`);
        }
      } else if (condition.in && !options && target.type !== "free_text") {
        at([field, "in"], `"${ref}" is a number: use min/max`);
      } else if (!condition.in && options) {
        at([field], `"${ref}" is a closed item: use in: [options]`);
      } else if (target.type === "free_text" && !condition.in) {
        at([field], `"${ref}" is free text: use in: [answers]`);
      }
    }
  });
  if (sequential && study.instrument.items_per_call !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["instrument", "items_per_call"],
      message: "the sequential flow asks one item a turn: remove items_per_call (or use 1)",
    });
  }
}
