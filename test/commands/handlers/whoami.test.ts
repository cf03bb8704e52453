import { ENGINEER, STRANGER, cardOf, factsOf, handlerHarness } from './handler-harness';

describe('whoami', () => {
  it('whoami in production mode: roles from the catalog', async () => {
    const h = handlerHarness();
    const reply = await h.run('whoami', { actor: ENGINEER });
    expect(cardOf(reply, 'message').title).toBe('You are Eli Engineer');
    expect(cardOf(reply, 'message').text).toBe('Roles come from the pipeline catalog.');
    expect(factsOf(reply)).toMatchObject({
      'Email / UPN': 'ml.engineer@digitre.example',
      QA: 'deploy ✅',
      Production: 'deploy — · approve —',
      'Can run': 'extract-prepare, train, dev-cleanup',
      Admin: '—',
    });
  });

  it('whoami in local mode: every role', async () => {
    const h = handlerHarness({ localMode: true });
    const reply = await h.run('whoami', { actor: STRANGER });
    expect(cardOf(reply, 'message').text).toBe('Local mode: every chat user holds every role.');
    expect(factsOf(reply)).toMatchObject({ Production: 'deploy ✅ · approve ✅', Admin: '✅' });
  });
});
