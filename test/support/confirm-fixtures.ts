import type { CardDataMap } from '../../src/cards/card-data';
import { confirmCardData } from '../../src/cards/confirm-card-data';
import { FIXTURE_NOW } from './run-fixtures';

/** The confirm card of a prod deploy, in each of its states. */

export function confirmFixtures(): Record<string, CardDataMap['confirm']> {
  const base = {
    confirmationId: 'c-6f1d2a',
    title: 'Deploy model v3 to Production?',
    summary:
      'This queues [Manual]-[Prod]-deployment on main with model v3. Production approvers are asked next.',
    facts: [
      { title: 'Pipeline', value: '[Manual]-[Prod]-deployment' },
      { title: 'Environment', value: 'Production' },
      { title: 'Model', value: 'v3' },
      { title: 'Branch', value: 'main' },
    ],
    stages: ['Build', 'Deploy Production'],
    requestedBy: 'Alex Wilber',
    requesterUserIds: ['29:1c-alex-wilber'],
    expiresAt: FIXTURE_NOW + 5 * 60_000,
    now: FIXTURE_NOW,
  };
  return {
    'pending-requester': confirmCardData({
      ...base,
      state: 'pending',
      view: 'requester',
      change: 'v3 → v2, a downgrade',
    }),
    'pending-viewer': confirmCardData({ ...base, state: 'pending', view: 'viewer' }),
    confirmed: confirmCardData({
      ...base,
      state: 'confirmed',
      view: 'viewer',
      decidedBy: 'Alex Wilber',
      decidedAt: FIXTURE_NOW + 60_000,
    }),
    cancelled: confirmCardData({
      ...base,
      state: 'cancelled',
      view: 'viewer',
      decidedBy: 'Alex Wilber',
      decidedAt: FIXTURE_NOW + 60_000,
    }),
    expired: confirmCardData({ ...base, state: 'expired', view: 'viewer' }),
  };
}
