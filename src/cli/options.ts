import { InvalidArgumentError } from "commander";
import { UserError } from "../errors/index.ts";

/** Option parsers: a bad number is a usage error naming the option, never a NaN downstream. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

/** --alpha: 1 − the confidence level, strictly between 0 and 1. */
export function parseAlpha(text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !(v > 0 && v < 1)) {
    throw new UserError(`--alpha must be a number between 0 and 1, got "${text}"`);
  }
  return v;
}

/** --labels "A,B": the names of the human and the simulated side in output. */
export function parseLabels(text: string): { human: string; sim: string } {
  const [human, sim, ...extra] = text.split(",").map((s) => s.trim());
  if (!human || !sim || extra.length > 0)
    throw new UserError(`--labels expects two names "A,B", got "${text}"`);
  return { human, sim };
}
