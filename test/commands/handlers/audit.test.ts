import { ENGINEER, cardOf, factsOf, handlerHarness } from './handler-harness';

describe('audit', () => {
  it('audit: admins see who did what; others are refused', async () => {
    const h = handlerHarness();
    await h.run('deploy prod v3', { actor: ENGINEER });
    await h.run('deploy qa v3', { actor: ENGINEER });
    const list = cardOf(await h.run('audit 5'), 'list');
    expect(list.rows.map((r) => [r.cells[1], r.cells[2], r.cells[3]])).toEqual([
      [
        'Eli Engineer',
        'deploy qa: [QA]-Deploy, model v3 (as the bot identity)',
        expect.stringMatching(/^OK · run #\d+$/),
      ],
      ['Eli Engineer', 'deploy prod: you are not allowed to deploy Production', 'Refused'],
    ]);
    const refused = await h.run('audit', { actor: ENGINEER });
    expect(cardOf(refused, 'message').title).toBe('Not allowed');
    expect(factsOf(refused)['Who can']).toBe('devops.lead@digitre.example');
  });
});
