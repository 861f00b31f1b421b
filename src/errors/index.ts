/**
 * Errors a user can fix (a bad spec, a missing file, a malformed CSV line). The CLI prints
 * their message without a stack trace; anything else is a bug and is reported as one.
 */
export class UserError extends Error {
  /** Where the problem is, e.g. "study.yaml:12:3" or "instrument.items[3].options". */
  readonly where?: string;
  /** The CLI's exit code for it (2 unless the problem has its own, see README "Exit codes"). */
  readonly exitCode: number;
  constructor(message: string, options: { where?: string; cause?: unknown; exitCode?: number } = {}) {
    super(options.where ? `${options.where}: ${message}` : message, { cause: options.cause });
    this.name = "UserError";
    this.where = options.where;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Exit codes of `populace run` (and of every command for user errors); documented in the README. */
export const EXIT = {
  ok: 0,
  userError: 2,
  someFailed: 3,
  budget: 4,
  providerUnavailable: 5,
  runBusy: 6,
  interrupted: 130,
} as const;

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export { closest, didYouMean } from "./suggest.ts";
