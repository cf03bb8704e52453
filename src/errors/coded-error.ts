/**
 * The one base of every error the bot raises on purpose: a camelCase `code` that callers
 * branch on (never on `message` or `instanceof` chains across layers), and a `message` that is
 * safe to show and says how to fix the problem. `cause` keeps the underlying failure for logs.
 *
 * @example
 * class StoreError extends CodedError<'locked' | 'config'> {}
 * throw new StoreError('locked', `${file} is locked by another process; stop it and retry`);
 */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Whether a thrown value is one of ours, optionally with one of the given codes. */
export function isCodedError(err: unknown, ...codes: string[]): err is CodedError {
  return err instanceof CodedError && (codes.length === 0 || codes.includes(err.code));
}
