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

/** A whole number ≥ min from a CLI flag, or a UserError naming the flag. */
export function intFlag(value: string, flag: string, min: number): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < min)
    throw new UserError(`${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return x;
}

/** An optional number flag checked by `check`; the error states the rule, e.g. "a number > 0". */
export function numberFlag(
  name: string,
  value: string | undefined,
  check: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) {
    throw new UserError(`--${name} must be ${rule}, got "${value}"`);
  }
  return n;
}

/** --coherence BELIEF:ACTION flags as item pairs, or a UserError naming the bad one. */
export function coherencePairs(flags: readonly string[]): { belief: string; action: string }[] {
  return flags.map((pair) => {
    const [belief, action, ...rest] = pair.split(":");
    if (!belief || !action || rest.length > 0) {
      throw new UserError(`--coherence expects BELIEF_ITEM:ACTION_ITEM, got "${pair}"`);
    }
    return { belief, action };
  });
}
