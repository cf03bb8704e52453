import { queueProdRun, setup, subscribe } from './event-processor-kit';
import { CHANNEL, cardText, saveConversations } from './notification-fixtures';

describe('a rejected run’s card, in every chat that shows it', () => {
  it('says who rejected it and why, not only "Rejected"', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, { pipelines: ['prod'] });
    const run = await queueProdRun(env);
    const approval = env.devops.advance(run.id, 'waiting')!;
    const decided = await env.devops.decideApproval(
      approval.id,
      'rejected',
      'Rejected by Rita Release via Teams: metrics regressed',
    );
    await env.processor.handle({
      id: 'x1',
      source: 'webhook',
      runId: run.id,
      kind: 'completed',
      approval: { id: decided.id, pending: false },
    });
    const runCards = env.sender.in(CHANNEL).filter((c) => c.shows?.runCard?.runId === run.id);
    const card = cardText(runCards.at(-1)!.activity);
    expect(card).toContain('Rejected by Rita Release: metrics regressed');
    expect(card).not.toContain('via Teams');
  });
});
