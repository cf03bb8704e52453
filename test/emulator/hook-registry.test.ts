import type { WebApi } from 'azure-devops-node-api';
import type { Emulator } from '../../src/emulator/start-emulator';
import { basicPat, rawRequest, startReceiver } from './emulator-fixture';
import { describeEvent, startHookedEmulator, type HookedEmulator, type Obj } from './webhook-kit';

// Subscriptions and delivery (src/emulator/hook-registry.ts): the Hooks REST API, retries, giving up.
describe('emulator: service hook subscriptions', () => {
  let hooked: HookedEmulator;
  let emu: Emulator;
  let bot: WebApi;
  beforeAll(async () => {
    hooked = await startHookedEmulator();
    ({ emu, bot } = hooked);
  });
  afterAll(() => hooked.close());

  it('manages subscriptions through the Hooks REST API, with filters, custom headers and retries', async () => {
    const flaky = await startReceiver(2);
    try {
      const auth = { Authorization: basicPat(emu.pat), 'Content-Type': 'application/json' };
      const created = await rawRequest(`${emu.orgUrl}/_apis/hooks/subscriptions?api-version=7.1`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          publisherId: 'pipelines',
          eventType: 'ms.vss-pipelines.run-state-changed-event',
          resourceVersion: '5.1-preview.1',
          consumerId: 'webHooks',
          consumerActionId: 'httpRequest',
          publisherInputs: { pipelineId: String(emu.pipelineId('train')) },
          consumerInputs: {
            url: flaky.url,
            httpHeaders: 'X-Secret: k1\nX-Env:test',
            basicAuthUsername: 'u',
            basicAuthPassword: 'p',
          },
        }),
      });
      expect(created.status).toBe(200);
      const sub = created.json();
      expect(sub).toMatchObject({
        status: 'enabled',
        consumerId: 'webHooks',
        eventType: 'ms.vss-pipelines.run-state-changed-event',
      });
      expect((sub.consumerInputs as Obj).basicAuthPassword).toBe('********');
      const list = await rawRequest(`${emu.orgUrl}/_apis/hooks/subscriptions?api-version=7.1`, {
        headers: auth,
      });
      expect((list.json().value as Obj[]).map((s) => s.id)).toContain(sub.id);

      const pipelines = await bot.getPipelinesApi();
      await pipelines.runPipeline({}, emu.project, emu.pipelineId('dev-cleanup')); // filtered out
      const run = await pipelines.runPipeline({}, emu.project, emu.pipelineId('train'));
      await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
      await emu.hooks.idle();
      expect(flaky.received.map(describeEvent)).toEqual([
        'run inProgress',
        'run completed succeeded',
      ]);
      expect(flaky.received[0]!.headers['x-secret']).toBe('k1');
      expect(flaky.received[0]!.headers['x-env']).toBe('test');
      const attempts = emu.hooks.deliveries().filter((d) => d.subscriptionId === sub.id);
      expect(attempts.map((d) => [d.attempt, d.ok, d.status])).toEqual([
        [1, false, 500],
        [2, false, 500],
        [3, true, 200],
        [1, true, 200],
      ]);

      const bad = await rawRequest(`${emu.orgUrl}/_apis/hooks/subscriptions?api-version=7.1`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          eventType: 'git.push',
          consumerId: 'webHooks',
          consumerInputs: { url: flaky.url },
        }),
      });
      expect(bad.status).toBe(400);
      const del = await rawRequest(
        `${emu.orgUrl}/_apis/hooks/subscriptions/${String(sub.id)}?api-version=7.1`,
        { method: 'DELETE', headers: auth },
      );
      expect(del.status).toBe(204);
      expect(emu.hooks.list().map((s) => s.id)).not.toContain(sub.id);
    } finally {
      await flaky.close();
    }
  });

  it('gives up after the bounded number of attempts without blocking runs', async () => {
    const id = emu.hooks.add({
      url: 'http://127.0.0.1:1/unreachable',
      eventTypes: ['build.complete'],
    });
    const run = await (
      await bot.getPipelinesApi()
    ).runPipeline({}, emu.project, emu.pipelineId('train'));
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    await emu.hooks.idle();
    const attempts = emu.hooks.deliveries().filter((d) => d.subscriptionId === id);
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts.every((d) => !d.ok && d.error)).toBe(true);
    emu.hooks.remove(id);
  });
});
