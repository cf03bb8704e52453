import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { CodedError } from '../errors/coded-error';

export type SlackApiErrorCode = 'rateLimited' | 'invalidAuth' | 'refused' | 'unreachable';

/** Slack errors that mean the token is wrong or gone: nothing works until it is replaced. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
]);

/**
 * A Slack Web API call that failed, as the publisher/outbox sorts failures: `status` is the HTTP
 * status it stands for (429 rate limited, 401 bad token, 400 refused for good, 503 unreachable),
 * `retryAfterMs` is Slack's `Retry-After`. `statusCode` and `response` mirror the connector's
 * errors, so the Teams delivery classifier reads Slack failures the same way.
 * @example if (isCodedError(err, 'rateLimited')) await sleep((err as SlackApiError).retryAfterMs ?? 1000);
 */
export class SlackApiError extends CodedError<SlackApiErrorCode> {
  readonly statusCode: number;
  readonly response: { status: number; headers: Record<string, string> };

  constructor(
    code: SlackApiErrorCode,
    message: string,
    readonly status: number,
    readonly method: string,
    /** Slack's own error string (`ratelimited`, `invalid_auth`, `invalid_blocks`…). */
    readonly slackError?: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.statusCode = status;
    const headers: Record<string, string> =
      retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) };
    this.response = { status, headers };
  }
}

/**
 * Sorts what `@slack/web-api` threw into a {@link SlackApiError}; anything else is returned as is.
 * @example throw toSlackApiError(err, 'chat.update');
 */
export function toSlackApiError(err: unknown, method: string): unknown {
  const e = err as Partial<WebAPICallError> | null;
  switch (e?.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = (e as { retryAfter: number }).retryAfter;
      return new SlackApiError(
        'rateLimited',
        `Slack rate-limited ${method}; retry in ${seconds} s`,
        429,
        method,
        'ratelimited',
        seconds * 1000,
        { cause: err },
      );
    }
    case ErrorCode.PlatformError: {
      const slackError = (e as { data: { error: string } }).data.error;
      const auth = AUTH_ERRORS.has(slackError);
      return new SlackApiError(
        auth ? 'invalidAuth' : 'refused',
        auth
          ? `Slack refused the bot token on ${method} (${slackError}): check SLACK_BOT_TOKEN and the app's scopes`
          : `Slack refused ${method}: ${slackError}`,
        auth ? 401 : 400,
        method,
        slackError,
        undefined,
        { cause: err },
      );
    }
    case ErrorCode.HTTPError: {
      const status = (e as { statusCode: number }).statusCode;
      return new SlackApiError(
        status >= 500 ? 'unreachable' : 'refused',
        `Slack answered ${method} with HTTP ${status}`,
        status,
        method,
        undefined,
        undefined,
        { cause: err },
      );
    }
    case ErrorCode.RequestError:
      return new SlackApiError(
        'unreachable',
        `Slack could not be reached for ${method}: ${(e as { original?: Error }).original?.message ?? 'request failed'}`,
        503,
        method,
        undefined,
        undefined,
        { cause: err },
      );
    default:
      return err;
  }
}
