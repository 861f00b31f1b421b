/**
 * The next-action task (Lu et al. 2025): given the pages a shopper saw, what they did and why,
 * and the page they see now, give a short first-person reason and then the next action. Pure
 * functions: the request messages, the answer's JSON schema (or the same as a tool), and the
 * answer check, whose problems can go verbatim into a repair prompt.
 */
import { type ContextElement, contextElements } from "./elements.ts";
import { ACTION_TYPES, rationaleOf, type Session, type WebAction } from "./session.ts";

export interface NextActionOptions {
  /** Show and ask for reasoning (default true); false is the paper's "w/o reasoning" ablation. */
  reasoning?: boolean;
  /** Who the shopper is (the paper's future work: condition on a persona). */
  persona?: string;
  /** Earlier pages shown in full, the most recent ones (default all); older ones are summarized as omitted. */
  historyPages?: number;
  /** Limit targets to the page's names in the schema when the provider's enum limits allow (default true). */
  constrainTargets?: boolean;
}

export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface NextAnswer {
  reasoning?: string;
  action: WebAction;
}

export const SCHEMA_NAME = "next_action";
/** Structured-output enum limits (OpenAI: 1,000 values in all; 15,000 characters when over 250). */
const MAX_ENUM_VALUES = 500;
const MAX_ENUM_CHARS = 15_000;

function instructions(reasoning: boolean, persona: string | undefined): string {
  const who = persona?.trim()
    ? `You are this person, shopping online:\n\n${persona.trim()}\n\n`
    : "You are a person shopping online.\n\n";
  return (
    who +
    "You will see the pages of an online shop one at a time, each as simplified HTML: scripts, styles and " +
    "decoration are removed, and every element you can act on carries a name attribute such as " +
    'name="columbia_shirt.view_product". After each page, say what you do next. You can do one of three things:\n' +
    '- click an element: {"type": "click", "target": "<name>"}\n' +
    '- type text into a field and submit it: {"type": "type_and_submit", "target": "<name of the field>", "text": "<what you type>"}\n' +
    '- stop shopping and leave: {"type": "terminate"}\n\n' +
    (reasoning
      ? 'First give your reason in one short sentence in the first person (for example "I want something comfortable, ' +
        'so I look at the best-rated shirts."), then the action. Reply with JSON only: ' +
        '{"reasoning": "<your reason>", "action": {…}}.'
      : 'Reply with JSON only: {"action": {…}}.') +
    " Use only names that appear on the current page. Act as this shopper would, not as an assistant."
  );
}

/** A step's action (and reasoning) as the assistant turn the model sees in its history. */
export function assistantTurn(
  action: WebAction,
  reasoning: string | undefined,
  withReasoning: boolean,
): string {
  const a: Record<string, string> = { type: action.type };
  if (action.target !== undefined) a.target = action.target;
  if (action.text !== undefined) a.text = action.text;
  return JSON.stringify(
    withReasoning && reasoning?.trim() ? { reasoning: reasoning.trim(), action: a } : { action: a },
  );
}

function pageTurn(context: string, current: boolean): string {
  return current ? `Current page:\n${context}\n\nWhat do you do next?` : `Page:\n${context}`;
}

/**
 * The conversation for predicting step `step` of a session: the instructions (with the persona),
 * then each earlier page and what the shopper did (with their rationale, or a synthesized one),
 * then the current page.
 */
export function nextActionMessages(
  session: Session,
  step: number,
  options: NextActionOptions = {},
): PromptMessage[] {
  if (!Number.isInteger(step) || step < 0 || step >= session.steps.length) {
    throw new RangeError(
      `step ${step} is not a step of session "${session.session}" (0–${session.steps.length - 1})`,
    );
  }
  const withReasoning = options.reasoning ?? true;
  const shown = options.historyPages ?? Number.POSITIVE_INFINITY;
  const messages: PromptMessage[] = [
    { role: "system", content: instructions(withReasoning, options.persona) },
  ];
  for (let i = 0; i < step; i++) {
    const s = session.steps[i];
    const full = step - i <= shown;
    messages.push({
      role: "user",
      content: full ? pageTurn(s.context, false) : "Page: (an earlier page, not shown)",
    });
    // The shopper's own rationale when there is one, else a synthesized one (never both).
    messages.push({
      role: "assistant",
      content: assistantTurn(s.action, rationaleOf(s)?.text, withReasoning),
    });
  }
  messages.push({ role: "user", content: pageTurn(session.steps[step].context, true) });
  return messages;
}

function targetSchema(names: string[]): Record<string, unknown> {
  const chars = names.reduce((n, s) => n + s.length, 0);
  const fits = names.length > 0 && names.length <= MAX_ENUM_VALUES && chars <= MAX_ENUM_CHARS;
  return fits ? { type: "string", enum: names } : { type: "string" };
}

/**
 * The answer's JSON schema for a page: reasoning (unless left out), then one of the three actions,
 * with targets limited to the page's names (clickable ones for click, text fields for typing).
 */
export function nextActionSchema(
  context: string,
  options: NextActionOptions = {},
): { name: string; schema: Record<string, unknown> } {
  const elements = contextElements(context);
  const constrain = options.constrainTargets ?? true;
  const target = (list: ContextElement[]) =>
    constrain ? targetSchema(list.map((e) => e.name)) : { type: "string" };
  const variant = (type: string, props: Record<string, unknown>) => ({
    type: "object",
    properties: { type: { type: "string", enum: [type] }, ...props },
    required: ["type", ...Object.keys(props)],
    additionalProperties: false,
  });
  const typeable = elements.filter((e) => e.typeable);
  const variants = [
    ...(elements.length > 0 ? [variant("click", { target: target(elements) })] : []),
    ...(typeable.length > 0
      ? [variant("type_and_submit", { target: target(typeable), text: { type: "string" } })]
      : []),
    variant("terminate", {}),
  ];
  const withReasoning = options.reasoning ?? true;
  const properties: Record<string, unknown> = withReasoning
    ? { reasoning: { type: "string" }, action: { anyOf: variants } }
    : { action: { anyOf: variants } };
  return {
    name: SCHEMA_NAME,
    schema: { type: "object", properties, required: Object.keys(properties), additionalProperties: false },
  };
}

/** The same answer as a function tool the model must call (OpenAI-style; the call service adapts it). */
export function nextActionTool(context: string, options: NextActionOptions = {}) {
  return {
    name: SCHEMA_NAME,
    description:
      (options.reasoning ?? true)
        ? "Give your reason in one short first-person sentence, then the next action on the current page."
        : "Give the next action on the current page.",
    parameters: nextActionSchema(context, options).schema,
  };
}

export type NextActionCheck = { ok: true; value: NextAnswer } | { ok: false; problems: { reason: string }[] };

function listNames(list: ContextElement[], max = 8): string {
  const shown = list.slice(0, max).map((e) => `"${e.name}"`);
  return list.length > max ? `${shown.join(", ")} … (${list.length} in all)` : shown.join(", ");
}

/**
 * Checks a reply (the JSON text, or a tool call's arguments as text or object) against the page:
 * the action type, a target that is on the page and fits the type, the text where it belongs.
 */
export function checkNextAction(
  reply: unknown,
  context: string,
  options: NextActionOptions = {},
): NextActionCheck {
  const problems: { reason: string }[] = [];
  const fail = (reason: string): NextActionCheck => ({ ok: false, problems: [...problems, { reason }] });
  let data = reply;
  if (typeof reply === "string") {
    const text = reply
      .trim()
      .replace(/^```(?:json)?\s*/i, "")
      .replace(/\s*```$/, "");
    try {
      data = JSON.parse(text);
    } catch {
      return fail('the reply is not JSON: answer with {"reasoning": "…", "action": {…}} only');
    }
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    return fail("the reply must be a JSON object");
  const obj = data as Record<string, unknown>;
  const withReasoning = options.reasoning ?? true;
  if (withReasoning && (typeof obj.reasoning !== "string" || obj.reasoning.trim() === "")) {
    problems.push({ reason: '"reasoning" is missing: give a short first-person reason before the action' });
  }
  const action = obj.action;
  if (!action || typeof action !== "object" || Array.isArray(action)) {
    return fail('"action" is missing: give an object such as {"type": "click", "target": "<name>"}');
  }
  const a = action as Record<string, unknown>;
  const type = a.type;
  if (typeof type !== "string" || !(ACTION_TYPES as readonly string[]).includes(type)) {
    return fail(
      `action type ${JSON.stringify(type)} is not one of ${ACTION_TYPES.map((t) => `"${t}"`).join(", ")}`,
    );
  }
  for (const key of Object.keys(a)) {
    if (!["type", "target", "text"].includes(key))
      problems.push({ reason: `action has an unknown field "${key}"` });
  }
  const elements = contextElements(context);
  const out: WebAction = { type: type as WebAction["type"] };
  if (type === "terminate") {
    if (a.target !== undefined && a.target !== null)
      problems.push({ reason: "a terminate action has no target" });
    if (a.text !== undefined && a.text !== null) problems.push({ reason: "a terminate action has no text" });
  } else {
    const target = a.target;
    if (typeof target !== "string" || target.trim() === "") {
      problems.push({
        reason: `a ${type} action needs a target: the name of an element on the current page`,
      });
    } else {
      const el = elements.find((e) => e.name === target);
      const typeable = elements.filter((e) => e.typeable);
      if (!el) {
        const last = target.split(".").pop();
        const near = elements.filter((e) => e.name.split(".").pop() === last);
        problems.push({
          reason:
            `"${target}" is not an element of the current page` +
            (near.length ? `; did you mean ${listNames(near, 5)}?` : ""),
        });
      } else if (type === "type_and_submit" && !el.typeable) {
        problems.push({
          reason:
            `"${target}" is a <${el.tag}>, not a text field; type_and_submit needs one of ` +
            (typeable.length ? listNames(typeable) : "the page's text fields, and this page has none"),
        });
      }
      out.target = target;
    }
    if (type === "type_and_submit") {
      if (typeof a.text !== "string" || a.text.trim() === "") {
        problems.push({ reason: "a type_and_submit action needs the text to type" });
      } else out.text = a.text;
    } else if (a.text !== undefined && a.text !== null) {
      problems.push({ reason: 'text is only for type_and_submit; a click has no "text"' });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: withReasoning ? { reasoning: (obj.reasoning as string).trim(), action: out } : { action: out },
  };
}
