import { CatalogAuthorizer } from '../../src/auth/authorizer';
import { rememberRunCard } from '../../src/conversations/run-card';
import type { RunSummary } from '../../src/devops/devops-port';
import { retryRun } from '../../src/use-cases/retry-run';
import { saveRunRecord } from '../../src/use-cases/run-record';
import { setup, subscribe } from './event-processor-kit';
import {
  CHANNEL,
  OTHER_CHANNEL,
  PERSONAL,
  catalog,
  cardText,
  saveConversations,
} from './notification-fixtures';

type Env = ReturnType<typeof setup>;
const ALEX = { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' };

/** A QA deploy Alex asked for in his personal chat (his reply there is its live card). */
async function queueQa(env: Env, correlationId: string, conversationId = PERSONAL) {
  const run = await env.devops.runPipeline({
    pipelineKey: 'qa',
    parameters: { modelVersion: '3' },
    correlationId,
  });
  await saveRunRecord(env.store, {
    runId: run.id,
    pipelineKey: 'qa',
    environment: 'qa',
    parameters: { modelVersion: '3' },
    requestedBy: ALEX,
    conversationId,
    queuedAt: env.clock.now(),
  });
  return run;
}

const event = (id: string, run: RunSummary, kind: 'started' | 'completed') => ({
  id,
  source: 'webhook' as const,
  runId: run.id,
  kind,
});

/** A failed QA run whose card is in Alex's chat (his reply) and in a failures channel. */
async function failedRunInTwoChats(env: Env) {
  await saveConversations(env.store);
  await subscribe(env, CHANNEL, { results: ['failed'] });
  const run = await queueQa(env, 'c-failed');
  await rememberRunCard(env.store, {
    runId: run.id,
    conversationId: PERSONAL,
    activityId: 'reply-1',
    lastUpdate: env.clock.now(),
  });
  env.devops.advance(run.id, 'failed');
  await env.processor.handle(event('f1', run, 'completed'));
  const channelCard = env.sender.in(CHANNEL).find((c) => c.method === 'send')!;
  expect(cardText(channelCard.activity)).toContain('run.retry');
  expect(cardText(env.sender.in(PERSONAL).at(-1)!.activity)).toContain('run.retry');
  return run;
}

/** Retries `run` the way the button and `retry` do; `early` runs once the retry is queued. */
async function retry(env: Env, run: RunSummary, early?: (retry: RunSummary) => Promise<void>) {
  const authorizer = new CatalogAuthorizer(catalog, { localMode: true });
  const deps = { catalog, devops: env.devops, store: env.store, clock: env.clock, authorizer };
  const ctx = { actor: { ...ALEX, id: 'aad-alex' }, conversation: { id: CHANNEL } };
  const outcome = await retryRun(run.id, ctx, deps, async () => {
    const queued = await queueQa(env, 'c-retry', CHANNEL);
    await early?.(queued);
    return { runId: queued.id };
  });
  if (outcome.code !== 'started') throw new Error(`retry did not start: ${outcome.code}`);
  return (await env.devops.getRun(outcome.retryRunId))!;
}

/** The newest card each chat shows for `run` (its live card's last send or update). */
function lastCardOf(env: Env, conversationId: string, run: RunSummary): string {
  const calls = env.sender.in(conversationId).filter((c) => c.shows?.runCard?.runId === run.id);
  return cardText(calls.at(-1)!.activity);
}

describe('a retried run’s cards stop offering Retry in every chat', () => {
  it('the retry’s events mark the original’s card in every chat that has one, once, creating none', async () => {
    const env = setup();
    const run = await failedRunInTwoChats(env);
    await subscribe(env, OTHER_CHANNEL, { pipelines: ['prod'] });
    // The retry's first event can come before its record names the run it retried.
    const next = await retry(env, run, async (queued) => {
      env.devops.advance(queued.id, 'inProgress');
      await env.processor.handle(event('r0', queued, 'started'));
    });
    const before = env.sender.calls.length;
    await env.processor.handle(event('r1', next, 'started'));

    for (const chat of [CHANNEL, PERSONAL]) {
      const card = lastCardOf(env, chat, run);
      expect(card).toContain(`Failed · retried as #${next.id}`);
      expect(card).not.toContain('run.retry');
    }
    const marked = env.sender.calls.slice(before).filter((c) => c.shows?.runCard?.runId === run.id);
    expect(marked.map((c) => [c.method, c.conversationId]).sort()).toEqual([
      ['update', CHANNEL],
      ['update', PERSONAL],
    ]);
    expect(env.sender.in(OTHER_CHANNEL)).toEqual([]);

    // Once: the retry's later events leave the original's cards alone.
    const after = env.sender.calls.length;
    env.devops.advance(next.id, 'succeeded');
    await env.processor.handle(event('r2', next, 'completed'));
    expect(env.sender.calls.slice(after).filter((c) => c.shows?.runCard?.runId === run.id)).toEqual(
      [],
    );
  });

  it('a late completion event of the original does not bring Retry back', async () => {
    const env = setup();
    const run = await failedRunInTwoChats(env);
    const next = await retry(env, run);
    env.devops.advance(next.id, 'inProgress');
    await env.processor.handle(event('r1', next, 'started'));

    // The same completion, told again under another event id (build.complete after the
    // run-state event, or a poll).
    await env.processor.handle(event('f2', run, 'completed'));
    for (const chat of [CHANNEL, PERSONAL]) {
      const card = lastCardOf(env, chat, run);
      expect(card).toContain(`Failed · retried as #${next.id}`);
      expect(card).not.toContain('run.retry');
    }
  });

  it('a retried run’s card drawn first by a late event already says so', async () => {
    const env = setup();
    await saveConversations(env.store);
    const run = await queueQa(env, 'c-failed');
    env.devops.advance(run.id, 'failed');
    const next = await retry(env, run);
    // The failures channel subscribes only now: its first card of the run is the retried one.
    await subscribe(env, CHANNEL, { results: ['failed'] });
    await env.processor.handle(event('f1', run, 'completed'));
    const card = lastCardOf(env, CHANNEL, run);
    expect(card).toContain(`Failed · retried as #${next.id}`);
    expect(card).not.toContain('run.retry');
  });
});
