import type { ConfirmCardData, ConfirmState, Fact } from './card-data';
import { formatDuration, formatTimestamp } from './format';
import { MAX_REFRESH_USER_IDS } from './approval-card-data';

/** A pending (or settled) confirmation of a guarded command, e.g. a prod deploy. */
export interface ConfirmCardInput {
  confirmationId: string;
  state: ConfirmState;
  /** 'requester' gets the buttons while pending; everyone else sees who must confirm. */
  view: 'requester' | 'viewer';
  /** e.g. 'Deploy model v3 to Production?' */
  title: string;
  /** What will run, one sentence. */
  summary: string;
  facts: Fact[];
  /** What confirming does to the live model, e.g. 'v3 → v2, a downgrade'; '' (default) hides it. */
  change?: string;
  stages: string[];
  requestedBy: string;
  /** Teams user id (MRI) of the requester, for `refresh.userIds`. */
  requesterUserIds: string[];
  /** Epoch ms. */
  expiresAt: number;
  now: number;
  /** Who settled it and when (epoch ms or ISO), for confirmed/cancelled. */
  decidedBy?: string;
  decidedAt?: string | number;
  tokens?: { confirm?: string; decline?: string; refresh?: string };
}

const STATE: Record<ConfirmState, { icon: string; text: string; style: ConfirmCardData['style'] }> =
  {
    pending: { icon: '❓', text: 'Needs confirmation', style: 'warning' },
    confirmed: { icon: '🚀', text: 'Confirmed', style: 'good' },
    cancelled: { icon: '🚫', text: 'Canceled', style: 'emphasis' },
    expired: { icon: '⌛', text: 'Expired', style: 'emphasis' },
  };

function withToken<T extends object>(data: T, token: string | undefined): T & { token?: string } {
  return token === undefined ? data : { ...data, token };
}

/**
 * The confirm card's data.
 * @example
 *   renderCard('confirm', confirmCardData({ confirmationId, state: 'pending', view: 'viewer', ... }))
 */
export function confirmCardData(input: ConfirmCardInput): ConfirmCardData {
  const pending = input.state === 'pending';
  const s = STATE[input.state];
  const left = input.expiresAt - input.now;
  const expiresText = pending
    ? left > 0
      ? // An absolute time: a card stays on screen long after it was sent, and "Expires in
        // 5m 0s" would still say so after it expired.
        `Confirm by ${formatTimestamp(input.expiresAt)} (${formatDuration(left)} from when I asked).`
      : `Expired at ${formatTimestamp(input.expiresAt)}.`
    : '';
  const when = input.decidedAt !== undefined ? ` at ${formatTimestamp(input.decidedAt)}` : '';
  const by = input.decidedBy ? ` by ${input.decidedBy}` : '';
  const decidedText =
    input.state === 'confirmed'
      ? `🚀 Confirmed${by}${when}; the run was handed to Azure DevOps (its card follows).`
      : input.state === 'cancelled'
        ? `🚫 Canceled${by}${when}; nothing was run.`
        : input.state === 'expired'
          ? `⌛ Expired at ${formatTimestamp(input.expiresAt)}; nothing was run. Ask again to deploy.`
          : '';
  const refreshUserIds = pending ? input.requesterUserIds.slice(0, MAX_REFRESH_USER_IDS) : [];
  const ids = { confirmationId: input.confirmationId };
  const tokens = input.tokens ?? {};
  return {
    state: input.state,
    isPending: pending,
    showButtons: pending && input.view === 'requester' && left > 0,
    icon: s.icon,
    statusText: s.text,
    style: s.style,
    title: input.title,
    summary: input.summary,
    facts: input.change ? [{ title: 'Change', value: input.change }, ...input.facts] : input.facts,
    change: input.change ?? '',
    isDowngrade: /downgrade|rollback/i.test(input.change ?? ''),
    stagesText: input.stages.join(' → '),
    requestedBy: input.requestedBy,
    expiresText,
    decidedText,
    confirmData: withToken(ids, tokens.confirm),
    declineData: withToken(ids, tokens.decline),
    hasRefresh: refreshUserIds.length > 0,
    refreshUserIds,
    refreshData: withToken(ids, tokens.refresh),
  };
}
