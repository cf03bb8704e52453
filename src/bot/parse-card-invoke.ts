import { z } from 'zod';

const MAX_DATA_BYTES = 8 * 1024;

const invokeSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(100),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  // Universal Actions sign-in: a retried click carries an SSO token or a magic code.
  authentication: z
    .object({ token: z.string().min(1).max(16_384).optional() })
    .optional()
    .catch(undefined),
  state: z.string().min(1).max(200).optional().catch(undefined),
});

export type ParsedCardInvoke =
  | {
      ok: true;
      verb: string;
      data: Record<string, unknown>;
      token: unknown;
      /** Present on a click Teams retried after a login request (SSO token or magic code). */
      signIn?: { ssoToken?: string; magicCode?: string };
    }
  | { ok: false; message: string };

/**
 * The `value` of an `adaptiveCard/action` invoke, checked before anything reads it: an
 * Action.Execute with a verb and small plain data (the token is taken out of the data).
 */
export function parseCardInvoke(value: unknown): ParsedCardInvoke {
  const parsed = invokeSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: 'Expected an Action.Execute with a verb.' };
  const raw = parsed.data.action.data ?? {};
  let size: number;
  try {
    size = JSON.stringify(raw).length;
  } catch {
    return { ok: false, message: 'The button data is not plain JSON.' };
  }
  if (size > MAX_DATA_BYTES) return { ok: false, message: 'The button data is too large.' };
  // Copy own plain keys only: nothing from a crafted prototype reaches a handler.
  const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype' || k === 'token') continue;
    data[k] = v;
  }
  const ssoToken = parsed.data.authentication?.token;
  const magicCode = parsed.data.state;
  return {
    ok: true,
    verb: parsed.data.action.verb,
    data: { ...data },
    token: raw.token,
    signIn: ssoToken || magicCode ? { ssoToken, magicCode } : undefined,
  };
}
