import type { AdaptiveCardInvokeResponse, InvokeResponse } from 'botbuilder';

const CODES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/**
 * A refused click as Universal Actions' error response.
 * @example errorResponse(403, 'This button does not belong to this conversation.')
 */
export function errorResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  if (statusCode === 412) {
    // A failed SSO exchange: Teams falls back to the sign-in button on this type.
    return {
      statusCode,
      type: 'application/vnd.microsoft.error.preconditionFailed',
      value: { code: '412', message } as never,
    };
  }
  const code = CODES[statusCode] ?? 'BadRequest';
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } as never };
}

/**
 * The HTTP answer to an `adaptiveCard/action` invoke. A login request (and a failed SSO
 * exchange) travel as HTTP 200 with the status in the body, which is what Teams reads to start
 * or fall back from sign-in.
 */
export function invokeResponse(response: AdaptiveCardInvokeResponse): InvokeResponse {
  const signInAnswer =
    response.type === 'application/vnd.microsoft.activity.loginRequest' ||
    response.type === 'application/vnd.microsoft.error.preconditionFailed';
  return { status: signInAnswer ? 200 : response.statusCode, body: response };
}
