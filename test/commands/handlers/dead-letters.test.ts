import { DEAD_LETTER_QUEUES } from '../../../src/commands/handlers/dead-letters';
import { parseCommand } from '../../../src/commands/parse-command';
import { ADO_EVENTS_QUEUE } from '../../../src/notifications/ado-event';
import { OUTBOX_QUEUE, outboxQueueOf } from '../../../src/publisher/outbox';
import { ENGINEER, LEAD, START, cardOf, factsOf, handlerHarness } from './handler-harness';

type Harness = ReturnType<typeof handlerHarness>;

/** Queues, claims and gives up on an item, as the event processor and the outbox do. */
async function giveUp(h: Harness, queue: string, id: string, payload: unknown, error: string) {
  await h.store.enqueue(queue, id, payload);
  await h.store.claim(queue, 10, 30_000);
  await h.store.deadLetter(queue, id, error);
  h.clock.advance(60_000);
}

describe('audit failed (dead letters)', () => {
  it('names the queues the event processor and the outboxes give up in', () => {
    expect(DEAD_LETTER_QUEUES.map((q) => q.queue)).toEqual([
      ADO_EVENTS_QUEUE,
      OUTBOX_QUEUE,
      outboxQueueOf('slack'),
    ]);
  });

  it('parses `audit failed`; `audit [n]` is unchanged', () => {
    const h = handlerHarness();
    const parse = (text: string) => parseCommand(text, h.registry, { catalog: h.catalog });
    expect(parse('audit failed')).toMatchObject({ ok: true, args: { deadLetters: true } });
    expect(parse('audit dead-letters')).toMatchObject({ ok: true, args: { deadLetters: true } });
    expect(parse('audit 5')).toMatchObject({ ok: true, args: { count: 5 } });
    expect(parse('audit failed 5')).toMatchObject({ ok: false });
  });

  it('shows admins what was given up on: when, what, attempts and the error, oldest first', async () => {
    const h = handlerHarness();
    const secret = 'configured-pat-value-123';
    await giveUp(
      h,
      ADO_EVENTS_QUEUE,
      'ev-1',
      {
        id: 'ev-1',
        eventType: 'ms.vss-pipelines.run-state-changed-event',
        resource: { run: { id: 143, state: 'completed' } },
      },
      'failed 8 times: Azure DevOps answered 503',
    );
    await giveUp(
      h,
      OUTBOX_QUEUE,
      'out-1',
      { kind: 'send', conversationId: '19:ops@thread.tacv2', tag: { runCard: { runId: 143 } } },
      `403 from the channel: bot not in the conversation ${secret}`,
    );
    const reply = await h.run('audit failed', { actor: LEAD });
    expect(reply.outcome).toBe('ok');
    const list = cardOf(reply, 'list');
    expect(list.subtitle).toMatch(/^2 items/);
    expect(list.rows.map((r) => r.cells)).toEqual([
      [
        expect.stringContaining(new Date(START).toISOString().slice(0, 10)),
        'Azure DevOps event: ms.vss-pipelines.run-state-changed-event, run #143',
        '1 attempt · failed 8 times: Azure DevOps answered 503',
      ],
      [
        expect.any(String),
        'Teams message: run card #143 in 19:ops@thread.tacv2',
        expect.stringMatching(/^1 attempt · 403 from the channel: bot not in the conversation/),
      ],
    ]);

    expect(JSON.stringify(list)).toContain(secret);

    // A configured secret (no known token shape, so the store kept it) is masked when shown.
    const parsed = parseCommand('audit failed', h.registry, { catalog: h.catalog });
    if (!parsed.ok) throw new Error(parsed.error.problem);
    const deps = { ...h.deps(), secrets: [secret] };
    const masked = cardOf(await parsed.spec.run(parsed.args, h.context(LEAD), deps), 'list');
    expect(masked.rows[1]!.cells[2]).toContain('[REDACTED]');
    expect(JSON.stringify(masked)).not.toContain(secret);
  });

  it('says when nothing was given up on', async () => {
    const h = handlerHarness();
    const list = cardOf(await h.run('audit failed'), 'list');
    expect(list.rows).toEqual([]);
    expect(list.emptyText).toMatch(/delivered or is still being retried/);
  });

  it('refuses non-admins clearly, except in local mode where everyone is admin', async () => {
    const h = handlerHarness();
    await giveUp(h, OUTBOX_QUEUE, 'out-1', { kind: 'send', conversationId: 'c' }, '403');
    const refused = await h.run('audit failed', { actor: ENGINEER });
    expect(cardOf(refused, 'message').title).toBe('Not allowed');
    expect(factsOf(refused)['Who can']).toBe('devops.lead@digitre.example');
    expect(refused.outcome).toMatch(/^refused:/);
    const local = await h.run('audit failed', { actor: ENGINEER, localMode: true });
    expect(cardOf(local, 'list').rows).toHaveLength(1);
  });
});
