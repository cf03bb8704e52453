import { rememberRunCard } from '../../src/conversations/run-card';
import { queueProdRun, setup } from './event-processor-kit';
import { PERSONAL, cardText, saveConversations } from './notification-fixtures';

/** A prod run Alex asked for in his personal chat (its live card is there), then rejected. */
async function rejectedUnderItsCard(comment: string) {
  const env = setup();
  await saveConversations(env.store);
  const run = await queueProdRun(env);
  await rememberRunCard(env.store, {
    runId: run.id,
    conversationId: PERSONAL,
    activityId: 'card-1',
    lastUpdate: env.clock.now(),
  });
  const approval = env.devops.advance(run.id, 'waiting')!;
  const decided = await env.devops.decideApproval(approval.id, 'rejected', comment);
  await env.processor.handle({
    id: 'r1',
    source: 'webhook',
    runId: run.id,
    kind: 'completed',
    approval: { id: decided.id, pending: false },
  });
  return env.sender.in(PERSONAL).filter((c) => c.method === 'send');
}

describe('the requester’s notice of a rejection, under the run’s live card', () => {
  it('is not sent when the requester rejected it themself: their answer already says so', async () => {
    const sent = await rejectedUnderItsCard('Rejected by Alex Wilber via Teams: wrong model');
    expect(sent).toEqual([]);
  });

  it('is sent when someone else rejected it, naming them and their reason', async () => {
    const sent = await rejectedUnderItsCard(
      'Rejected by Rita Release via Teams: metrics regressed',
    );
    expect(sent).toHaveLength(1);
    expect(cardText(sent[0]!.activity)).toContain(
      'Your deploy to Production was rejected by Rita Release',
    );
    expect(cardText(sent[0]!.activity)).toContain('metrics regressed');
  });
});
