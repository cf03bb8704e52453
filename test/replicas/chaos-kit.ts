import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import {
  startFakeConnector,
  type ConnectorCall,
  type FakeConnector,
} from '../support/fake-connector';
import { ALEX, ENGINEER, isRunCard, registerPeople, text, type Person } from './replica-kit';

// The chaos test's world (test/replicas/chaos.test.ts): its chats, its requests, the outage
// schedule, and the rig of two replicas sharing Azurite, the emulator and one fake Teams.

export const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
export const SECRET = 'chaos-webhook-secret-0123456789';
export const OPS = '19:chaos-ops@thread.tacv2';
export const DEPLOYS = '19:chaos-deploys@thread.tacv2';
export const ALEX_DM = 'a:chaos-alex';
export const MO_DM = 'a:chaos-mo';

/** The connector's schedule: [start after outage begins (ms), length (ms), status, headers]. */
export const BURSTS: [number, number, number, Record<string, string>][] = [
  [0, 14_000, 503, { 'retry-after': '2' }],
  [15_000, 14_000, 503, {}],
  [30_000, 14_000, 429, { 'retry-after': '3' }],
  [45_000, 15_000, 503, {}],
];
export const OUTAGE_MS = 60_000;

/** Who asks what, where; `expect` is how the run ends. */
export interface Ask {
  chat: string;
  from: Person;
  words: string;
  end: 'Succeeded' | 'Failed' | 'Rejected';
}
export const NON_PROD: Ask[] = [
  ...[1, 2, 3, 4].map((i) => ({
    chat: MO_DM,
    from: ENGINEER,
    words: `deploy ${['qa', 'custom-qa', 'dev'][i % 3]} model v${2 + (i % 2)}`,
    end: 'Succeeded' as const,
  })),
  ...[1, 2, 3, 4].map((i) => ({
    chat: ALEX_DM,
    from: ALEX,
    words: `deploy ${['custom-qa', 'dev', 'qa'][i % 3]} model v${2 + (i % 2)}`,
    end: 'Succeeded' as const,
  })),
  ...[1, 2, 3, 4].map((i) => ({
    chat: DEPLOYS,
    from: i % 2 ? ENGINEER : ALEX,
    words: `deploy ${['dev', 'qa', 'custom-qa'][i % 3]} model v${2 + (i % 2)}`,
    end: 'Succeeded' as const,
  })),
  ...[1, 2, 3, 4].map((i) => ({
    chat: OPS,
    from: i % 2 ? ALEX : ENGINEER,
    words: `deploy ${['qa', 'dev', 'custom-qa'][i % 3]} model v${2 + (i % 2)}`,
    end: 'Succeeded' as const,
  })),
];
/** The QA deploys that fail (the emulator's next QA run fails in its last stage). */
export const FAILING_QA = 1;
/** Prod deploys: confirmed during the outage, approved (or rejected) after it. */
export const PROD: Ask[] = [
  { chat: DEPLOYS, from: ALEX, words: 'deploy prod model v3', end: 'Succeeded' },
  { chat: OPS, from: ALEX, words: 'deploy prod model v2', end: 'Succeeded' },
  { chat: ALEX_DM, from: ALEX, words: 'deploy prod model v3', end: 'Succeeded' },
  { chat: DEPLOYS, from: ALEX, words: 'deploy prod model v2', end: 'Rejected' },
];

/** A run's "finished:" notice, which is not its card. */
export const notice = (c: ConnectorCall) => text(c).includes('finished:');
/** The run's card calls (POST and PUTs) in one chat. */
export const runCardsIn = (connector: FakeConnector, conversationId: string, runId: number) =>
  connector.calls.filter(
    (c) => c.conversationId === conversationId && isRunCard(c, runId) && !notice(c),
  );

/** Two replicas (`a`, `b`) sharing Azurite, the emulator with hooks to both, one fake Teams. */
export interface ChaosRig {
  azurite: RunningAzurite;
  emu: Emulator;
  connector: FakeConnector;
  a: BotProcess;
  b: BotProcess;
  /** Both replicas' logs, for a failure message. */
  logsOf(): string;
  stop(): Promise<void>;
}

export async function startChaosRig(): Promise<ChaosRig> {
  const [azurite, emu, connector] = await Promise.all([
    startAzurite(),
    startEmulator({
      catalog,
      taskMs: 400,
      seed: true,
      serviceIdentityIsApprover: true,
      hooks: [],
    }),
    startFakeConnector(),
  ]);
  registerPeople(connector);
  const env = {
    CHATOPS_STORE: 'azure',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    ADO_ORG_URL: emu.orgUrl,
    ADO_PROJECT: emu.project,
    ADO_PAT: emu.pat,
    ADO_WEBHOOK_SECRET: SECRET,
    CHATOPS_POLL_INTERVAL_MS: '500',
    CHATOPS_LEASE_MS: '2000',
    CHATOPS_OUTBOX_INTERVAL_MS: '500',
  };
  const bots: BotProcess[] = [];
  const stop = async () => {
    for (const bot of bots) await bot.stop();
    await emu.close();
    await connector.close();
    await azurite.stop();
  };
  try {
    // One first, so the second finds the table, container and signing key already there.
    bots.push(await startBotProcess(env));
    bots.push(await startBotProcess(env));
  } catch (err) {
    await stop();
    throw err;
  }
  for (const bot of bots) {
    emu.hooks.add({
      url: `${bot.url}/api/ado-events`,
      basicAuth: { username: 'ado', password: SECRET },
    });
  }
  return {
    azurite,
    emu,
    connector,
    a: bots[0]!,
    b: bots[1]!,
    logsOf: () => bots.map((bot) => `--- pid ${bot.pid}\n${bot.logs.join('\n')}`).join('\n'),
    stop,
  };
}

/** A call with no card (the state of a card that never arrived is undefined). */
export function posts0(): ConnectorCall {
  return { method: 'POST', conversationId: '', id: '', activity: {}, at: 0 };
}
