import type { Catalog } from '../../src/catalog/catalog-schema';
import { systemClock } from '../../src/clock/clock';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { serviceIdentity, startEmulator } from '../../src/emulator/start-emulator';
import { createLogger } from '../../src/logging/create-logger';
import { RunPoller, POLL_BATCH } from '../../src/notifications/run-poller';
import { TRACKED_RUNS_COLLECTION, trackRun } from '../../src/notifications/tracked-runs';
import { MemoryStore } from '../../src/store/memory-store';
import { describeRequest, isHandshake } from './requests-per-command';

export interface PollingCost {
  tracked: number;
  /** Azure DevOps requests in one steady interval (nothing changed), handshake excluded. */
  requests: number;
  /** Build API calls the poller reported. */
  buildCalls: number;
  /** The allowance: 1 up to 200 runs, ⌈N/200⌉ beyond. */
  allowed: number;
  breakdown: string[];
}

/**
 * Scenario 3: what the run poller (`src/notifications/run-poller.ts`) asks Azure DevOps per
 * interval while it tracks N runs that are in progress. The poller runs here against its own
 * emulator (tasks take 10 minutes, so runs stay in progress); events it would raise go nowhere,
 * because the point is the polling itself. The first round records snapshots; the second, with
 * nothing changed, is the steady cost counted.
 */
export async function measurePolling(
  catalog: Catalog,
  sizes: number[],
  log: (line: string) => void,
): Promise<PollingCost[]> {
  const emu = await startEmulator({ catalog, taskMs: 600_000, seed: false });
  const logger = createLogger({ level: 'silent' });
  const devops = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
  });
  const results: PollingCost[] = [];
  try {
    const max = Math.max(...sizes);
    const ids: number[] = [];
    for (let i = 0; i < max; i++) {
      ids.push(
        emu.engine.queue({
          definitionId: emu.pipelineId('dev-cleanup'),
          templateParameters: { maxAgeHours: '24' },
          variables: {},
          sourceBranch: 'refs/heads/develop',
          requestedBy: serviceIdentity,
        }).id,
      );
    }
    for (const n of sizes) {
      const store = new MemoryStore();
      for (const id of ids.slice(0, n)) await trackRun(store, id, Date.now());
      const poller = new RunPoller({
        store,
        devops,
        clock: systemClock,
        logger,
        handle: async () => undefined,
        holderId: 'bench',
      });
      await poller.pollOnce(); // records snapshots (and does the client's handshake once)
      emu.requestLog.clear();
      const r = await poller.pollOnce();
      const entries = emu.requestLog.entries().filter((e) => !isHandshake(e));
      const tracked = (await store.list(TRACKED_RUNS_COLLECTION)).length;
      const cost: PollingCost = {
        tracked,
        requests: entries.length,
        buildCalls: r.buildCalls,
        allowed: Math.max(1, Math.ceil(n / POLL_BATCH)),
        breakdown: summarize(entries.map(describeRequest)),
      };
      results.push(cost);
      log(
        `  ${String(n).padStart(5)} tracked runs: ${cost.requests} requests per interval ` +
          `(${cost.breakdown.join(', ')}), allowed ${cost.allowed}`,
      );
      await store.close();
    }
  } finally {
    await emu.close();
  }
  return results;
}

/** ['GET a', 'GET a', 'GET b'] → ['2× GET a', 'GET b'] */
function summarize(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, c]) => (c > 1 ? `${c}× ${l}` : l));
}
