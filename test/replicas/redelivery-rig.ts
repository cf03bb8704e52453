import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { registerPeople } from './replica-kit';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

export interface RedeliveryRig {
  emu: Emulator;
  connector: FakeConnector;
  /** Starts a bot child on the rig's one SQLite file (a restart after a SIGKILL shares it). */
  start(): Promise<BotProcess>;
}

/**
 * The redelivery tests' world, set up in `beforeAll` and torn down in `afterAll`: an emulator,
 * a fake connector and bot processes that share one SQLite store, so a bot restarted after a
 * SIGKILL sees what the dead one left. Read the fields inside tests, not at describe time.
 */
export function useRedeliveryRig(dirPrefix: string): RedeliveryRig {
  let dir = '';
  let env: Record<string, string> = {};
  const bots: BotProcess[] = [];
  const rig = {
    start: async () => {
      const bot = await startBotProcess(env);
      bots.push(bot);
      return bot;
    },
  } as RedeliveryRig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    [rig.emu, rig.connector] = await Promise.all([
      startEmulator({ catalog, taskMs: 30, seed: true, hooks: [] }),
      startFakeConnector(),
    ]);
    registerPeople(rig.connector);
    env = {
      CHATOPS_STORE: `sqlite:${join(dir, 'chatops.db')}`,
      ADO_ORG_URL: rig.emu.orgUrl,
      ADO_PROJECT: rig.emu.project,
      ADO_PAT: rig.emu.pat,
      CHATOPS_POLL_INTERVAL_MS: '300',
      CHATOPS_LEASE_MS: '1500',
      // The `command` line says the message was taken.
      LOG_LEVEL: 'info',
    };
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) if (!bot.exited()) await bot.stop();
    await rig.emu?.close();
    await rig.connector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  return rig;
}
