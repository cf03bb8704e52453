import type { CardActionSpec } from '../actions/card-actions';
import type { CardClick } from '../core/turn';

/** Slack caps a button's value at 2000 characters; anything longer was not rendered by us. */
const MAX_VALUE = 2000;

/**
 * A clicked button (its verb and its `value`, the signed action data the card rendered) as the
 * core's click, checked against the verb's action spec before anything reads it: only plain
 * own keys, the token taken out of the data. Resolves why not when it does not fit.
 * @example slackClick(CARD_ACTIONS, 'approval.approve', '{"approvalId":"a1","runId":7,"token":"…"}')
 */
export function slackClick(
  actions: readonly CardActionSpec<never>[],
  verb: string,
  value: string,
  /** What the person typed for the click (the decision modal's comment), checked with the data. */
  typed?: Record<string, unknown>,
): { ok: true; click: CardClick } | { ok: false; message: string } {
  const spec = actions.find((a) => a.verb === verb);
  if (!spec) return { ok: false, message: `Unknown action \`${verb.slice(0, 40)}\`.` };
  let raw: unknown;
  try {
    raw = value.length <= MAX_VALUE ? JSON.parse(value) : undefined;
  } catch {
    raw = undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      message: 'This button carries data I cannot read; the card may be outdated.',
    };
  }
  // Copy own plain keys only: nothing from a crafted prototype reaches a handler.
  const data: Record<string, unknown> = {};
  let token: unknown;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'token') token = v;
    else if (k !== '__proto__' && k !== 'constructor' && k !== 'prototype') data[k] = v;
  }
  const parsed = spec.data.safeParse(typed ? { ...data, ...typed } : data);
  if (!parsed.success) {
    return {
      ok: false,
      message: 'This button carries data I cannot read; the card may be outdated.',
    };
  }
  return { ok: true, click: { spec, data: parsed.data, token } };
}
