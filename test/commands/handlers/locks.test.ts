import {
  ENGINEER,
  LEAD,
  RELEASE_MANAGER,
  STRANGER,
  cardOf,
  factsOf,
  handlerHarness,
} from './handler-harness';

describe('lock, unlock, locks, where can I deploy', () => {
  it('lock prod release freeze for 2h: locked, with the reason and expiry', async () => {
    const h = handlerHarness();
    const msg = cardOf(await h.run('lock prod release freeze for 2h'), 'message');
    expect(msg.style).toBe('good');
    // One icon per title (issue 16): the lock is the card's icon, not a second one in the title.
    expect(msg.title).toBe('Production is locked');
    expect(msg.icon).toBe('🔒');
    expect(msg.text).toBe(
      'Only you can deploy to Production until 2026-03-02 11:00 UTC. Reason: release freeze',
    );
    expect((await h.store.queryAudit())[0]).toMatchObject({
      action: 'lock prod',
      detail: 'release freeze',
      outcome: 'ok',
    });
  });

  it('locking what you hold changes nothing', async () => {
    const h = handlerHarness();
    await h.run('lock qa', { actor: ENGINEER });
    const msg = cardOf(await h.run('lock qa again', { actor: ENGINEER }), 'message');
    expect(msg.title).toBe('You already hold QA');
    expect(msg.text).toBe('Nothing changed; it stays locked until you `unlock qa`.');
  });

  it('locked by someone else: names who holds it and why', async () => {
    const h = handlerHarness();
    await h.run('lock qa testing model v4', { actor: LEAD });
    h.clock.advance(12 * 60_000);
    const msg = cardOf(await h.run('lock qa', { actor: ENGINEER }), 'message');
    expect(msg.title).toBe('QA is already locked');
    expect(msg.text).toMatch(/^Dana Lead holds the lock: “testing model v4” /);
    expect((await h.store.queryAudit())[0]).toMatchObject({
      outcome: 'refused',
      detail: 'held by Dana Lead',
    });
  });

  // Bug in src/commands/handlers/locks.ts (line ~72): formatAge already ends in "ago", and the
  // handler adds another: "(since 12m ago ago)".
  it('locked by someone else: says how long ago, once', async () => {
    const h = handlerHarness();
    await h.run('lock qa testing model v4', { actor: LEAD });
    h.clock.advance(12 * 60_000);
    const msg = cardOf(await h.run('lock qa', { actor: ENGINEER }), 'message');
    expect(msg.text).not.toMatch(/ago ago/);
    expect(msg.text).toMatch(/12m ago/);
  });

  it('production mode: an engineer may not lock prod; the refusal says who can', async () => {
    const h = handlerHarness();
    const reply = await h.run('lock prod', { actor: ENGINEER });
    expect(cardOf(reply, 'message').text).toBe('Sorry, you are not allowed to lock Production.');
    expect(factsOf(reply)['Who can']).toBe('devops.lead@digitre.example');
    expect(await h.run('locks').then((r) => cardOf(r, 'list').rows)).toEqual([]);
  });

  it('local mode: anyone locks prod', async () => {
    const h = handlerHarness({ localMode: true });
    expect(cardOf(await h.run('lock prod', { actor: STRANGER }), 'message').style).toBe('good');
  });

  it('unlock: only the holder, or an admin with --force', async () => {
    const h = handlerHarness();
    await h.run('lock qa', { actor: ENGINEER });
    const other = cardOf(await h.run('unlock qa', { actor: LEAD }), 'message');
    expect(other.title).toBe('QA is locked by Eli Engineer');
    expect(other.text).toMatch(/`unlock qa --force`/);
    const own = cardOf(await h.run('unlock qa', { actor: ENGINEER }), 'message');
    expect(own.title).toBe('QA is unlocked');
    expect(own.icon).toBe('🔓');
    await h.run('lock qa', { actor: ENGINEER });
    const notAdmin = await h.run('unlock qa --force', { actor: RELEASE_MANAGER });
    expect(cardOf(notAdmin, 'message').title).toBe('Not allowed');
    expect(factsOf(notAdmin)['Who can']).toBe('devops.lead@digitre.example');
    expect(cardOf(await h.run('unlock qa --force', { actor: LEAD }), 'message').title).toBe(
      'QA is unlocked',
    );
    expect(cardOf(await h.run('unlock qa', { actor: LEAD }), 'message').title).toBe(
      'QA was not locked',
    );
  });

  it('locks: who holds what, why, until when', async () => {
    const h = handlerHarness();
    await h.run('lock prod release freeze for 1d');
    const list = cardOf(await h.run('locks', { actor: STRANGER }), 'list');
    expect(list.rows).toEqual([
      {
        cells: [
          'Production',
          'Dana Lead',
          'release freeze',
          '09:00 UTC (just now)',
          '2026-03-03 09:00 UTC',
        ],
      },
    ]);
  });

  it('where can I deploy: per environment, for this person, with locks', async () => {
    const h = handlerHarness();
    await h.run('lock qa', { actor: LEAD });
    const list = cardOf(await h.run('where can I deploy', { actor: ENGINEER }), 'list');
    expect(list.subtitle).toBe('For Eli Engineer');
    expect(Object.fromEntries(list.rows.map((r) => [r.cells[0], r.cells[1]]))).toEqual({
      DEV: '✅ yes',
      QA: '🔒 locked by Dana Lead',
      'Custom QA': '✅ yes',
      Production: '⛔ not allowed',
    });
    expect(list.rows.find((r) => r.cells[0] === 'Production')!.cells[2]).toBe(
      'asks to confirm; needs approval',
    );
  });

  it('wcid: a stranger in production mode may deploy nowhere; in local mode everywhere', async () => {
    const h = handlerHarness();
    const strict = cardOf(await h.run('wcid', { actor: STRANGER }), 'list');
    expect(strict.rows.map((r) => r.cells[1])).toEqual(Array(4).fill('⛔ not allowed'));
    const local = cardOf(await h.run('wcid', { actor: STRANGER, localMode: true }), 'list');
    expect(local.rows.map((r) => r.cells[1])).toEqual(Array(4).fill('✅ yes'));
  });
});
