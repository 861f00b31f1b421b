import { writeFileSync } from "node:fs";
import { z } from "zod";
import { readJsonl, toJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { actionSchema, describeIssues, type Session, type WebAction } from "./session.ts";

/** A predicted next action for step `step` (≥ 1) of a session; `action: null` records a failed prediction. */
export interface Prediction {
  session: string;
  step: number;
  action: WebAction | null;
}

const predictionSchema = z
  .object({
    session: z.string().trim().min(1, "must be a non-empty string"),
    step: z
      .number()
      .int("must be a whole number")
      .min(1, "must be ≥ 1: step 0 has no history to predict from"),
    action: actionSchema.nullable(),
  })
  .strict();

/**
 * Reads predictions JSONL and checks each line against the sessions: the session must exist, the
 * step must be one of its steps, and no (session, step) may repeat. Errors name file:line.
 */
export function readPredictions(path: string, sessions: readonly Session[]): Prediction[] {
  const steps = new Map(sessions.map((s) => [s.session, s.steps.length]));
  const seen = new Map<string, number>();
  const out: Prediction[] = [];
  for (const { line, value } of readJsonl(path)) {
    const where = `${path}:${line}`;
    const parsed = predictionSchema.safeParse(value);
    if (!parsed.success) throw new UserError(describeIssues(parsed.error), { where });
    const p = parsed.data as Prediction;
    const n = steps.get(p.session);
    if (n === undefined) throw new UserError(`session "${p.session}" is not in the sessions file`, { where });
    if (p.step >= n) {
      throw new UserError(`step ${p.step} is past the end of session "${p.session}" (steps 0–${n - 1})`, {
        where,
      });
    }
    const key = `${p.session}\u0000${p.step}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UserError(
        `a second prediction for session "${p.session}" step ${p.step} (first on line ${first})`,
        {
          where,
        },
      );
    }
    seen.set(key, line);
    out.push(p);
  }
  return out;
}

export function writePredictions(path: string, predictions: readonly Prediction[]): void {
  try {
    writeFileSync(path, toJsonl(predictions));
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? error})`, { where: path });
  }
}
