import { randomUUID } from 'node:crypto';
import { MemoryStore } from '../../src/store/memory-store';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * Azure DevOps retries a service-hook delivery that gets a 5xx (and eventually disables the
 * subscription), so a body the bot will never accept must get a 4xx, and a 5xx must mean "try
 * again later" only. Through the real server; local mode accepts loopback deliveries.
 */
describe('/api/ado-events answers 4xx for bodies it will never accept, 5xx only for try-again-later', () => {
  let t: TestApp;
  let storeDown = false;
  let enqueued = 0;

  beforeAll(async () => {
    // The real memory store, whose queue can be made to fail like a store that is down.
    const store = new MemoryStore();
    const enqueue = store.enqueue.bind(store);
    store.enqueue = (...args: Parameters<typeof enqueue>) =>
      storeDown ? Promise.reject(new Error('store unavailable')) : (enqueued++, enqueue(...args));
    t = await startTestApp({}, { store });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = async (body: string) => {
    const res = await fetch(`${t.app.url}/api/ado-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      text: await res.text(),
    };
  };
  const event = (resource: unknown) =>
    JSON.stringify({
      id: randomUUID(),
      eventType: 'ms.vss-pipelines.run-state-changed-event',
      resource,
    });
  const nested = (depth: number, leaf: string) =>
    `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

  it.each([
    [
      'deeply nested objects inside a valid envelope',
      () =>
        event({ run: { id: 5 }, x: JSON.parse(nested(50, '1')) as unknown }).replace(
          '"x":',
          `"deep":${nested(5000, '1')},"x":`,
        ),
    ],
    [
      'deeply nested arrays',
      () =>
        event({ run: { id: 5 } }).replace(
          '"resource":',
          `"deep":${'['.repeat(20000)}${']'.repeat(20000)},"resource":`,
        ),
    ],
    [
      'a deeply nested resource',
      () => event(JSON.parse(nested(3000, '{"run":{"id":5}}')) as unknown),
    ],
    ['a JSON array', () => '[1,2,3]'],
    ['a JSON string', () => '"build.complete"'],
    ['null', () => 'null'],
    ['a run id that is not a number', () => event({ run: { id: 'five' } })],
    ['broken JSON', () => '{"id":'],
  ])('%s: 400, nothing queued', async (_name, body) => {
    const before = enqueued;
    const res = await post(body());
    expect(res.status).toBe(400);
    expect(enqueued).toBe(before);
    expect(res.text).toMatch(/error|message/);
  });

  it('an event type the bot does not handle: 200 (so the subscription is not put on probation), nothing queued', async () => {
    const before = enqueued;
    const res = await post(JSON.stringify({ id: 'e1', eventType: 'git.push', resource: {} }));
    expect(res.status).toBe(200);
    expect(enqueued).toBe(before);
  });

  it('a body above the limit: 413', async () => {
    const res = await post(event({ run: { id: 5 }, pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('the store is down: 503 with Retry-After, so Azure DevOps delivers again later', async () => {
    storeDown = true;
    try {
      const res = await post(event({ run: { id: 5 } }));
      expect(res.status).toBe(503);
      expect(res.retryAfter).toBe('5');
    } finally {
      storeDown = false;
    }
    const before = enqueued;
    expect((await post(event({ run: { id: 5 } }))).status).toBe(200);
    expect(enqueued).toBe(before + 1);
  });
});
