import { randomUUID } from 'node:crypto';
import { parseRef } from '../../src/commands/parsers/parse-ref';
import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * A run starts only from a ref the catalog allows: any branch by default. A pull request's
 * merge ref is code nobody reviewed yet, a tag or `HEAD` is not what a deploy command means;
 * each is refused with what is allowed, and nothing is queued. Through the real server and the
 * emulator (the real azure-devops-node-api queues what is accepted).
 */
describe('branch refs: only what the catalog allows (branches by default)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CHATOPS_RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function say(text: string): Promise<string> {
    const conversationId = `a:refs-${randomUUID()}`;
    await postActivity(
      t.app.url,
      messageActivity(text, { serviceUrl: t.connector.url, conversationId }),
    );
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === conversationId);
    return JSON.stringify(reply!.activity);
  }

  it.each([
    ['deploy custom-qa model v3 branch refs/pull/1/merge', 'refs/pull/1/merge'],
    ['deploy custom-qa model v3 branch refs/tags/v1.0', 'refs/tags/v1.0'],
    ['deploy custom-qa model v3 branch HEAD', 'HEAD'],
    ['deploy custom-qa model v3 branch refs/heads/HEAD', 'HEAD'],
    ['deploy custom-qa model v3 branch refs/remotes/origin/main', 'refs/remotes/origin/main'],
    ['run train on refs/pull/7/head', 'refs/pull/7/head'],
  ])('refuses `%s`, saying what is allowed, and queues nothing', async (text, shown) => {
    const runs = t.app.emulator!.engine.runs().length;
    const reply = await say(text);
    expect(reply).toContain(shown);
    expect(reply).toContain('any branch');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.app.emulator!.engine.runs().length).toBe(runs);
  });

  it('queues a branch given by name or as refs/heads/…', async () => {
    const runs = t.app.emulator!.engine.runs().length;
    await say('deploy custom-qa model v3 branch refs/heads/develop');
    await say('run train on feature/new-model');
    const queued = t.app
      .emulator!.engine.runs()
      .slice(0, t.app.emulator!.engine.runs().length - runs);
    expect(queued.map((r) => r.sourceBranch).sort()).toEqual([
      'refs/heads/develop',
      'refs/heads/feature/new-model',
    ]);
  });
});

describe('parseRef with a catalog that allows more than branches', () => {
  const pipeline = { key: 'prod', allowedRefs: ['refs/heads/release/*', 'refs/tags/v*'] };

  it.each([
    ['release/3.2', 'release/3.2'],
    ['refs/heads/release/3.2', 'release/3.2'],
    ['refs/tags/v3.2.0', 'refs/tags/v3.2.0'],
  ])('accepts %s', (word, expected) => {
    expect(parseRef(word, pipeline)).toEqual({ ok: true, args: expected });
  });

  it.each(['feature/x', 'release/3.2/hotfix', 'refs/tags/nightly', 'refs/pull/1/merge', 'HEAD'])(
    'refuses %s and lists the patterns',
    (word) => {
      const r = parseRef(word, pipeline);
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).toContain('refs/heads/release/*');
    },
  );
});
