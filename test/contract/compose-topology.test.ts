import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { parse } from 'yaml';
import { messageActivity, postActivity } from '../support/activities';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';

// compose.yaml's topology without Docker: Azurite, the emulator started with compose's own
// command, and each bot replica with compose's own environment, as processes on loopback
// (compose's host names and ports mapped to free local ports).
const ROOT = join(__dirname, '..', '..');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
}
const services = (
  parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  }
).services;
const interpolate = (v: string): string => v.replace(/\$\{\w+:-([^}]*)\}/g, (_, d: string) => d);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe('compose.yaml topology as local processes', () => {
  let azurite: RunningAzurite;
  let emulator: ChildProcess;
  let connector: FakeConnector;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    azurite = await startAzurite();
    connector = await startFakeConnector();
    const emulatorPort = await freePort();
    const hosts: [string, string][] = [
      ['http://azurite:10000', `http://127.0.0.1:${azurite.blobPort}`],
      ['http://azurite:10002', `http://127.0.0.1:${azurite.tablePort}`],
      ['http://azurite:10001', `http://127.0.0.1:${azurite.queuePort}`],
      ['http://emulator:8080', `http://127.0.0.1:${emulatorPort}`],
    ];
    const local = (v: string): string =>
      hosts.reduce((s, [from, to]) => s.split(from).join(to), interpolate(String(v)));

    const command = services['emulator']!.command!.map(local);
    command[3] = String(emulatorPort);
    command[command.indexOf('--host') + 1] = '127.0.0.1';
    emulator = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/emulator/main.ts', ...command.slice(2)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(emulator.stdout!, 'data');

    for (const name of ['bot-1', 'bot-2']) {
      const env = Object.fromEntries(
        Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, local(v)]),
      );
      bots.push(await startBotProcess({ ...env, HOST: '127.0.0.1', PORT: '0' }));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    if (emulator && emulator.exitCode === null) {
      const exited = once(emulator, 'exit');
      emulator.kill('SIGTERM');
      await exited;
    }
    await connector?.close();
    await azurite?.stop();
  });

  const texts = (activity: Record<string, unknown>): string => JSON.stringify(activity);

  it('each replica answers from the emulator service', async () => {
    const opts = { serviceUrl: connector.url, conversationId: 'a:compose-1' };
    expect((await postActivity(bots[0]!.url, messageActivity('pipelines', opts))).status).toBe(200);
    expect((await postActivity(bots[1]!.url, messageActivity('runs train', opts))).status).toBe(
      200,
    );
    const replies = await connector.waitFor(2, (c) => c.conversationId === 'a:compose-1', 20_000);
    const all = replies.map((c) => texts(c.activity)).join('\n');
    expect(all).toContain('[ML]-Train-Evaluate-Register');
    expect(all).toMatch(/Recent runs of \[ML\]-Train-Evaluate-Register/);
  }, 30_000);

  it('one activity delivered to both replicas is answered once (they share Azurite)', async () => {
    const activity = messageActivity('models', {
      serviceUrl: connector.url,
      conversationId: 'a:compose-2',
    });
    const statuses = await Promise.all(bots.map((b) => postActivity(b.url, activity)));
    expect(statuses.map((s) => s.status)).toEqual([200, 200]);
    await connector.waitFor(1, (c) => c.conversationId === 'a:compose-2', 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(connector.calls.filter((c) => c.conversationId === 'a:compose-2')).toHaveLength(1);
  }, 30_000);

  it("queues on Azurite's queue service (compose's connection string names its QueueEndpoint)", async () => {
    const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
    const names = async () => {
      const found: string[] = [];
      for await (const q of queues.listQueues()) found.push(q.name);
      return found;
    };
    // The replicas' event processors claim from the start; the queue appears on first use.
    const deadline = Date.now() + 15_000;
    let found = await names();
    while (!found.some((n) => n.endsWith('-ado-events')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      found = await names();
    }
    expect(found).toContainEqual(expect.stringMatching(/-ado-events$/));
  }, 30_000);
});
