import { Writable } from 'node:stream';
import type { TurnContext } from 'botbuilder';
import { onTurnError } from '../../src/bot/on-turn-error';
import { createLogger } from '../../src/logging/create-logger';
import { postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * A malformed activity is the sender's mistake: it gets a 400 that says what is wrong and one
 * warning line without a stack. It used to reach botbuilder, fail inside the turn, fail again
 * sending "something went wrong", and write two error lines with stacks each — a cheap way to
 * flood the logs.
 */
describe('a malformed activity: a 400 and one warning line, no stack', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const lines = (from: number) =>
    t.logs.slice(from).map((l) => JSON.parse(l) as { level: number; msg: string });

  it.each([
    ['no conversation', (url: string) => ({ type: 'message', serviceUrl: url, text: 'help' })],
    [
      'a conversation without an id',
      (url: string) => ({ type: 'message', serviceUrl: url, text: 'help', conversation: {} }),
    ],
    [
      'a serviceUrl that is not a URL',
      () => ({ type: 'message', serviceUrl: 'not a url', text: 'help', conversation: { id: 'c' } }),
    ],
    [
      'a serviceUrl that is not http(s)',
      () => ({
        type: 'message',
        serviceUrl: 'file:///etc/passwd',
        text: 'help',
        conversation: { id: 'c' },
      }),
    ],
  ])('%s', async (_name, activity) => {
    const before = t.logs.length;
    const res = await postActivity(t.app.url, activity(t.connector.url));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String) as unknown });
    // Give a turn that wrongly ran time to fail and log.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = lines(before);
    expect(written.filter((l) => l.level >= 40)).toEqual([
      expect.objectContaining({ level: 40, msg: 'malformed activity refused' }),
    ]);
    expect(t.logs.slice(before).join('')).not.toContain('"stack"');
  });
});

describe('onTurnError', () => {
  it('logs a failed turn once with its stack; a failed error reply adds a warning without one', async () => {
    const logged: { level: number; msg: string; err?: { stack?: string } }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logged.push(JSON.parse(chunk.toString('utf8')) as (typeof logged)[number]);
        cb();
      },
    });
    const handler = onTurnError(createLogger({ level: 'info', destination }), () => ({}));
    const context = {
      activity: { id: 'act-1', conversation: { id: 'c' } },
      sendActivity: () => Promise.reject(new Error('connector said 502')),
    } as unknown as TurnContext;
    await handler(context, new Error('the turn broke'));
    expect(logged.map((l) => [l.level, l.msg])).toEqual([
      [50, 'turn failed'],
      [40, 'could not tell the user about the failure'],
    ]);
    expect(logged[0]!.err?.stack).toContain('the turn broke');
    expect(JSON.stringify(logged[1])).not.toContain('stack');
    expect(JSON.stringify(logged[1])).toContain('connector said 502');
  });
});
