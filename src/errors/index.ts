/**
 * Errors a user can fix (a bad spec, a missing file, a malformed CSV line). The CLI prints
 * their message without a stack trace; anything else is a bug and is reported as one.
 */
export class UserError extends Error {
  /** Where the problem is, e.g. "study.yaml:12:3" or "instrument.items[3].options". */
  readonly where?: string;
  constructor(message: string, options: { where?: string; cause?: unknown } = {}) {
    super(options.where ? `${options.where}: ${message}` : message, { cause: options.cause });
    this.name = "UserError";
    this.where = options.where;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export { closest, didYouMean } from "./suggest.ts";
