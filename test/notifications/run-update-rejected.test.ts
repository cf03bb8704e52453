import { rejectProdRun, setup, subscribe } from './event-processor-kit';
import { CHANNEL, cardText, saveConversations } from './notification-fixtures';

describe('a rejected run’s card, in every chat that shows it', () => {
  it('says who rejected it and why, not only "Rejected"', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, { pipelines: ['prod'] });
    const run = await rejectProdRun(env, 'Rejected by Rita Release via Teams: metrics regressed');
    // The decided approval is read once for the run's cards and its approval card.
    expect(env.devops.calls.filter((c) => c.method === 'getApproval')).toHaveLength(1);
    const runCards = env.sender.in(CHANNEL).filter((c) => c.shows?.runCard?.runId === run.id);
    const card = cardText(runCards.at(-1)!.activity);
    expect(card).toContain('Rejected by Rita Release: metrics regressed');
    expect(card).not.toContain('via Teams');
  });
});
