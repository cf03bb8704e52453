import { saveRunRecord } from '../../src/use-cases/run-record';
import { rejectProdRun, setup } from './event-processor-kit';
import { CHANNEL, PERSONAL, cardText, saveConversations } from './notification-fixtures';

/** What Alex's personal chat got after a prod run under its live card there was rejected. */
async function rejectedUnderItsCard(comment: string) {
  const env = setup();
  await saveConversations(env.store);
  await rejectProdRun(env, comment, { cardInPersonal: true });
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
    expect(cardText(sent[0]!.activity)).not.toContain('via Teams');
  });
});

describe('the requester’s notice of a run whose card is elsewhere', () => {
  it('names a retry’s original run and a pipeline by its own name, not its catalog key', async () => {
    const env = setup();
    await saveConversations(env.store);
    const run = await env.devops.runPipeline({
      pipelineKey: 'train',
      parameters: {},
      correlationId: 'c-train',
    });
    await saveRunRecord(env.store, {
      runId: run.id,
      pipelineKey: 'train',
      parameters: {},
      requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
      // Asked for in a channel: the run's card is there, the notice goes to his personal chat.
      conversationId: CHANNEL,
      queuedAt: env.clock.now(),
      retryOf: 41,
    });
    env.devops.advance(run.id, 'succeeded');
    await env.processor.handle({ id: 't1', source: 'webhook', runId: run.id, kind: 'completed' });
    const sent = env.sender.in(PERSONAL).filter((c) => c.method === 'send');
    expect(sent).toHaveLength(1);
    const notice = cardText(sent[0]!.activity);
    expect(notice).toContain('Your [ML]-Train-Evaluate-Register run succeeded');
    expect(notice).toContain('of [ML]-Train-Evaluate-Register (retry of #41) finished: Succeeded');
  });
});
