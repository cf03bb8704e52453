import { CodedError } from '../errors/coded-error';
import { DevOpsError, type DevOpsErrorCode } from './devops-port';
import { retryAfterSeconds } from './rate-limit';
import type { FailureVerdict } from '../retry/retry';

/** What the retry loop needs to know about a failed call. */
export interface ClassifiedError extends FailureVerdict {
  error: DevOpsError;
  /** Worth trying again (throttling, 5xx, connection trouble, timeouts). */
  retryable: boolean;
  /**
   * The server may have acted on the request even though we saw a failure (timeout, dropped
   * connection, 5xx). Writes must check before repeating.
   */
  ambiguous: boolean;
  status?: number;
}

/**
 * Raised by our own deadline around each call. Its code is the socket's own `ETIMEDOUT` (not
 * camelCase) on purpose: every classifier of network failures already treats it as a timeout.
 */
export class CallTimeoutError extends CodedError<'ETIMEDOUT'> {
  constructor(what: string, ms: number) {
    super('ETIMEDOUT', `${what} timed out after ${ms} ms`);
  }
}

// A refused connection never reached the server; the others may have.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const MAYBE_SENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);

const STATUS_CODES: Record<number, DevOpsErrorCode> = {
  400: 'invalidParameter',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  412: 'conflict',
  429: 'throttled',
};

/** The `DevOpsError` code of an HTTP status (5xx and unknown: `unavailable`). */
export function codeOfStatus(status: number | undefined): DevOpsErrorCode {
  if (status === undefined || status >= 500) return 'unavailable';
  return STATUS_CODES[status] ?? 'invalidParameter';
}

/**
 * Turns whatever a client library threw into a `DevOpsError` plus retry hints.
 * @example const { error, retryable } = classifyError(err);
 */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof DevOpsError) {
    const retryable = err.code === 'throttled' || err.code === 'unavailable';
    return { error: err, retryable, ambiguous: err.code === 'unavailable', ...afterMs(err) };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    responseHeaders?: Record<string, unknown>;
    rateLimit?: { retryAfter?: number };
    result?: { message?: unknown };
  };
  const rawMessage =
    typeof e.result?.message === 'string'
      ? e.result.message
      : typeof e.message === 'string'
        ? e.message
        : String(err);
  const message = redactSecrets(rawMessage);
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;

  if (status !== undefined) {
    if (status === 429) {
      const after = retryAfterSeconds(e.responseHeaders, e.rateLimit);
      const error = new DevOpsError(
        'throttled',
        `Azure DevOps is throttling requests: ${message}`,
        after,
      );
      return {
        error,
        ...afterMs(error),
        retryable: true,
        ambiguous: false,
        status,
      };
    }
    if (status >= 500) {
      return {
        error: new DevOpsError('unavailable', `Azure DevOps failed (${status}): ${message}`),
        retryable: true,
        ambiguous: true,
        status,
      };
    }
    const code = STATUS_CODES[status] ?? 'invalidParameter';
    return { error: new DevOpsError(code, message), retryable: false, ambiguous: false, status };
  }

  const netCode = typeof e.code === 'string' ? e.code : undefined;
  const timedOut =
    err instanceof CallTimeoutError ||
    /^Request timeout/i.test(rawMessage) ||
    netCode === 'ETIMEDOUT';
  if (
    timedOut ||
    (netCode && MAYBE_SENT_CODES.has(netCode)) ||
    /socket hang up/i.test(rawMessage)
  ) {
    return {
      error: new DevOpsError('unavailable', `Azure DevOps did not answer: ${message}`),
      retryable: true,
      ambiguous: true,
    };
  }
  if (netCode && NOT_SENT_CODES.has(netCode)) {
    return {
      error: new DevOpsError('unavailable', `cannot reach Azure DevOps: ${message}`),
      retryable: true,
      ambiguous: false,
    };
  }
  // Anything else is a bug or an unknown failure: surface it, don't hammer the server.
  return {
    error: new DevOpsError('unavailable', `Azure DevOps call failed: ${message}`),
    retryable: false,
    ambiguous: false,
  };
}

/** The kit waits in ms; a DevOpsError carries the server's Retry-After in seconds. */
function afterMs(err: DevOpsError): { retryAfterMs?: number } {
  return err.retryAfterSeconds === undefined ? {} : { retryAfterMs: err.retryAfterSeconds * 1000 };
}

/** Error texts can echo request headers; never let a credential reach a chat card or a log. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}
