import type { Catalog } from '../../src/catalog/catalog-schema';
import { systemClock } from '../../src/clock/clock';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { serviceIdentity, startEmulator } from '../../src/emulator/start-emulator';
import { createLogger } from '../../src/logging/create-logger';
import { mayWaitForApprovalIn, RunPoller, POLL_BATCH } from '../../src/notifications/run-poller';
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
  /**
   * Not the target's case, reported apart: the same N runs plus one prod run in progress (it can
   * wait for an approval, so the poller also asks the Approvals API: ⌈N/200⌉ + 1 is the floor
   * without service hooks — the Build API does not say a run waits).
   */
  withApprovalRun?: { tracked: number; requests: number; breakdown: string[] };
}

/**
 * Scenario 3: what the run poller (`src/notifications/run-poller.ts`) asks Azure DevOps per
 * interval while it tracks N runs that are in progress (`dev-cleanup`, which has no approval),
 * with the catalog's `mayWaitForApproval` as the bot wires it. The poller runs here against its
 * own emulator (tasks take 10 minutes, so runs stay in progress); events it would raise go
 * nowhere, because the point is the polling itself. The first round records snapshots; the
 * second, with nothing changed, is the steady cost counted. Then one prod run joins them and the
 * same is counted again, apart (`withApprovalRun`).
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
    const prodRun = emu.queueRun('prod', { modelVersion: '3' }).id;
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
        mayWaitForApproval: mayWaitForApprovalIn(catalog),
      });
      /** A steady interval: the first round records snapshots (and the client's handshake). */
      const steady = async () => {
        await poller.pollOnce();
        emu.requestLog.clear();
        const r = await poller.pollOnce();
        const entries = emu.requestLog.entries().filter((e) => !isHandshake(e));
        const tracked = (await store.list(TRACKED_RUNS_COLLECTION)).length;
        return { r, tracked, entries, breakdown: summarize(entries.map(describeRequest)) };
      };
      const s = await steady();
      const cost: PollingCost = {
        tracked: s.tracked,
        requests: s.entries.length,
        buildCalls: s.r.buildCalls,
        allowed: Math.max(1, Math.ceil(n / POLL_BATCH)),
        breakdown: s.breakdown,
      };
      await trackRun(store, prodRun, Date.now());
      const a = await steady();
      cost.withApprovalRun = {
        tracked: a.tracked,
        requests: a.entries.length,
        breakdown: a.breakdown,
      };
      results.push(cost);
      log(
        `  ${String(n).padStart(5)} tracked runs: ${cost.requests} requests per interval ` +
          `(${cost.breakdown.join(', ')}), allowed ${cost.allowed}; ` +
          `+ 1 prod run (can wait for an approval; not the target's case): ${a.entries.length} ` +
          `(${a.breakdown.join(', ')})`,
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
