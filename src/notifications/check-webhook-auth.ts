import { createHash, timingSafeEqual } from 'node:crypto';

/** The custom header a Web Hooks subscription can carry instead of basic auth. */
export const SECRET_HEADER = 'x-chatops-secret';

export interface WebhookAuthInput {
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string | undefined;
  /** The configured `ADO_WEBHOOK_SECRET`; undefined = none configured. */
  secret: string | undefined;
}

export type WebhookAuthResult =
  { ok: true; via: 'basic' | 'header' | 'loopback' } | { ok: false; reason: string };

/** Digests have equal length whatever was sent, so timingSafeEqual never throws and leaks no length. */
function sameSecret(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/**
 * Decides whether a service-hook delivery may come in: the basic-auth password or the
 * `X-ChatOps-Secret` header must equal the configured secret (Azure DevOps has no signature
 * option, reference §4.1). With no secret configured only loopback callers (local mode, the
 * in-process emulator) are accepted.
 * @example checkWebhookAuth({ headers: req.headers, remoteAddress: req.socket.remoteAddress, secret })
 */
export function checkWebhookAuth(input: WebhookAuthInput): WebhookAuthResult {
  const { secret } = input;
  if (secret === undefined || secret === '') {
    return isLoopback(input.remoteAddress)
      ? { ok: true, via: 'loopback' }
      : {
          ok: false,
          reason: 'no webhook secret is configured; only loopback callers are accepted',
        };
  }
  const password = basicPassword(first(input.headers.authorization));
  if (password !== undefined && sameSecret(password, secret)) return { ok: true, via: 'basic' };
  const header = first(input.headers[SECRET_HEADER]);
  if (header !== undefined && sameSecret(header, secret)) return { ok: true, via: 'header' };
  return {
    ok: false,
    reason:
      password === undefined && header === undefined ? 'no credentials' : 'wrong webhook secret',
  };
}
