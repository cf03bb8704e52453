import { join } from 'node:path';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../../src/devops/ado-devops';
import type { Emulator } from '../../../src/emulator/start-emulator';
import { startTestApp, type TestApp } from '../../support/start-test-app';
import type { Ids } from './fuzz-cases';

// What the fuzz tests (fuzz-activities, fuzz-webhooks) share: the target app, the way cases are
// fired, and the checks that nothing leaked out of a request.

/** Reproducible cases: a failure names a seed, not luck. */
export const SEED = 0x5eed1e55;
const CONCURRENCY = 24;

/** POSTs every case with bounded concurrency; returns [status, case index] for each. */
export async function fire(
  url: string,
  cases: { body: unknown; raw?: string; contentType?: string }[],
): Promise<number[]> {
  const statuses: number[] = new Array<number>(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': c.contentType ?? 'application/json' },
        body: c.raw ?? JSON.stringify(c.body),
      });
      await res.arrayBuffer();
      statuses[i] = res.status;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

/** Bodies botbuilder cannot take; src/http/create-server.ts answers them with 400 itself. */
export function malformedActivity(b: Record<string, unknown> | undefined): boolean {
  return !!b && (typeof b.type !== 'string' || typeof b.serviceUrl !== 'string');
}

export function prototypesClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    Object.keys(Object.prototype).length === 0 &&
    probe.polluted === undefined &&
    probe.isAdmin === undefined &&
    Object.keys(Array.prototype).length === 0
  );
}

/** The app under fuzz, in local mode, with a REAL pending prod approval and run to forge clicks on. */
export interface FuzzTarget {
  t: TestApp;
  emu: Emulator;
  ids: Ids;
  /** Runs in the emulator once the pending one was queued: the fuzz must add none. */
  runsBefore: number;
  /** Unhandled rejections seen while the target was up. */
  unhandled: unknown[];
  pendingOf(approvalId: string): boolean;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const t = await startTestApp({ LOG_LEVEL: 'warn' });
  const emu = t.app.emulator!;
  const devops = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog: loadCatalog(join(__dirname, '../../../config/digitre.yaml')),
    auth: { pat: emu.pat },
  });
  const run = await devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '1' },
    correlationId: `fuzz-${Date.now()}`,
  });
  await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 15_000);
  const approval = emu.engine.pendingApprovals(run.id)[0]!;
  return {
    t,
    emu,
    ids: { approvalId: approval.id, runId: run.id, connector: t.connector.url },
    runsBefore: emu.engine.runs().length,
    unhandled,
    pendingOf: (id) => emu.engine.pendingApprovals().some((a) => a.id === id),
    async close() {
      process.off('unhandledRejection', onUnhandled);
      jest.restoreAllMocks();
      await t.close();
    },
  };
}
