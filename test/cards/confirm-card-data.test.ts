import { FIXTURE_NOW } from '../support/run-fixtures';
import { confirmCardData } from '../../src/cards/confirm-card-data';

describe('confirmCardData', () => {
  const base = {
    confirmationId: 'c1',
    title: 'Deploy?',
    summary: 's',
    facts: [],
    stages: ['Build', 'Deploy'],
    requestedBy: 'Alex',
    requesterUserIds: ['29:alex'],
    expiresAt: FIXTURE_NOW + 60_000,
    now: FIXTURE_NOW,
  };

  it('pending: buttons for the requester until it expires', () => {
    expect(confirmCardData({ ...base, state: 'pending', view: 'requester' }).showButtons).toBe(
      true,
    );
    expect(confirmCardData({ ...base, state: 'pending', view: 'viewer' }).showButtons).toBe(false);
    const late = confirmCardData({
      ...base,
      state: 'pending',
      view: 'requester',
      now: base.expiresAt,
    });
    expect(late.showButtons).toBe(false);
    expect(late.expiresText).toMatch(/^Expired at/);
  });

  it('settled: no buttons, no refresh, who and when', () => {
    const d = confirmCardData({
      ...base,
      state: 'confirmed',
      view: 'requester',
      decidedBy: 'Alex',
      decidedAt: FIXTURE_NOW,
      tokens: { confirm: 't' },
    });
    expect(d).toMatchObject({
      isPending: false,
      showButtons: false,
      hasRefresh: false,
      stagesText: 'Build → Deploy',
      confirmData: { confirmationId: 'c1', token: 't' },
    });
    expect(d.decidedText).toContain('Confirmed by Alex at 2026-11-26 14:30 UTC');
  });
});
