/**
 * Web-shopping sessions (Lu et al. 2025): one session a JSON line, each step the page the shopper
 * saw (simplified HTML), what they did, and optionally why.
 *
 *   {"session", "user", "steps": [{"context", "action": {"type", "target", "text"}, "reasoning"?}],
 *    "purchase_targets": [NAME…]}
 */
import { writeFileSync } from "node:fs";
import { z } from "zod";
import { readJsonl, toJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { formatPath } from "../spec/index.ts";

export const ACTION_TYPES = ["click", "type_and_submit", "terminate"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface WebAction {
  type: ActionType;
  /** Hierarchical name of the element acted on, e.g. "columbia_shirt.view_product"; absent for terminate. */
  target?: string;
  /** What was typed; only for type_and_submit. */
  text?: string;
}

export interface SessionStep {
  context: string;
  action: WebAction;
  /** The shopper's own first-person reason for the action (a think-aloud rationale). */
  reasoning?: string;
  /** A reason a model wrote for the action (`populace webactions reason`); never replaces `reasoning`. */
  synthesized_reasoning?: string;
}

export type RationaleSource = "human" | "synthesized";

/** The step's rationale: the shopper's own when there is one, else a synthesized one. */
export function rationaleOf(step: SessionStep): { text: string; source: RationaleSource } | undefined {
  const human = step.reasoning?.trim();
  if (human) return { text: human, source: "human" };
  const synthesized = step.synthesized_reasoning?.trim();
  if (synthesized) return { text: synthesized, source: "synthesized" };
  return undefined;
}

export interface Session {
  session: string;
  user: string;
  steps: SessionStep[];
  /** Names whose click means a purchase (add to cart, buy now…): the outcome metric reads them. */
  purchase_targets: string[];
}

const nonEmpty = z.string().trim().min(1, "must be a non-empty string");

/** The rules of an action, with each problem on the field it concerns. */
export const actionSchema = z
  .object({
    type: z.enum(ACTION_TYPES),
    target: nonEmpty.optional(),
    text: z.string().optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.type !== "terminate" && a.target === undefined) {
      ctx.addIssue({ code: "custom", path: ["target"], message: `a ${a.type} action needs a target` });
    }
    if (a.type === "terminate" && a.target !== undefined) {
      ctx.addIssue({ code: "custom", path: ["target"], message: "a terminate action has no target" });
    }
    if (a.type === "type_and_submit" && a.text === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["text"],
        message: "a type_and_submit action needs the text typed",
      });
    }
    if (a.type !== "type_and_submit" && a.text !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["text"],
        message: `text is only for type_and_submit, not ${a.type}`,
      });
    }
  });

const stepSchema = z
  .object({
    context: z.string(),
    action: actionSchema,
    reasoning: z.string().optional(),
    synthesized_reasoning: z.string().optional(),
  })
  .strict();

export const sessionSchema = z
  .object({
    session: nonEmpty,
    user: nonEmpty,
    steps: z.array(stepSchema).min(1, "a session needs at least one step"),
    purchase_targets: z.array(nonEmpty).default([]),
  })
  .strict();

/** A zod error as "path: message; path: message" (first three problems). */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => {
    const path = formatPath(i.path);
    return path ? `${path}: ${i.message}` : i.message;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : "";
  return parts.join("; ") + more;
}

/** Checks one parsed line; `where` is "file:line". */
export function parseSession(value: unknown, where: string): Session {
  const result = sessionSchema.safeParse(value);
  if (!result.success) throw new UserError(describeIssues(result.error), { where });
  return result.data as Session;
}

export interface SessionFile {
  file: string;
  sessions: Session[];
  /** Line of each session in the file, by session id. */
  lines: Map<string, number>;
}

/** Reads a sessions JSONL file; any bad line, field or repeated session id is an error naming file:line. */
export function readSessions(path: string): SessionFile {
  const sessions: Session[] = [];
  const lines = new Map<string, number>();
  for (const { line, value } of readJsonl(path)) {
    const s = parseSession(value, `${path}:${line}`);
    const first = lines.get(s.session);
    if (first !== undefined) {
      throw new UserError(`session "${s.session}" appears twice (first on line ${first})`, {
        where: `${path}:${line}`,
      });
    }
    lines.set(s.session, line);
    sessions.push(s);
  }
  if (sessions.length === 0) throw new UserError("no sessions in the file", { where: path });
  return { file: path, sessions, lines };
}

export function writeSessions(path: string, sessions: readonly Session[]): void {
  try {
    writeFileSync(path, toJsonl(sessions));
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? error})`, { where: path });
  }
}
