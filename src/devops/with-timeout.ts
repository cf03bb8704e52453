import { CallTimeoutError } from './classify-error';

/**
 * Rejects with `CallTimeoutError` if `promise` has not settled within `ms`. The socket timeout
 * given to the HTTP client stops the request itself; this bounds the whole call (DNS, slow
 * bodies, token fetches) so no handler waits forever.
 * @example await withTimeout(buildApi.getBuild(p, 1), 10_000, 'getBuild');
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
