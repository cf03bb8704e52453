import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps, type AdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator } from '../../src/emulator/start-emulator';

/**
 * The adapter against the emulator over real HTTP, with the real azure-devops-node-api client:
 * what `ado-devops.test.ts` and `ado-devops-resilience.test.ts` share. `useAdoRig()` starts it
 * for the file and resets faults and records before each test; the bindings below are live.
 */

export const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export let emu: Emulator;
export let devops: AdoDevOps;
export const sleeps: number[] = [];
export const warnings: string[] = [];

/** Retries wait only a little in tests, but we still see what was asked. */
const fastSleep = async (ms: number) => {
  sleeps.push(ms);
  await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
};

export function adapter(overrides: Partial<Parameters<typeof createAdoDevOps>[0]> = {}): AdoDevOps {
  return createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
    timeoutMs: 2000,
    retry: { maxAttempts: 4, baseDelayMs: 10 },
    sleep: fastSleep,
    random: () => 0,
    logger: { warn: (_o, msg) => void warnings.push(msg), debug: () => undefined },
    ...overrides,
  });
}

/** An unsigned JWT (the emulator decodes, never verifies) for a catalog person. */
export function jwt(upn: string, expSeconds: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    oid: `oid-${upn}`,
    upn,
    name: upn.split('@')[0],
    aud: '499b84ac-1321-427f-aa17-267ca6975798',
    exp: expSeconds,
  })}.sig`;
}

let correlation = 0;
export const nextCorrelation = () => `test-corr-${++correlation}-${Date.now()}`;
export const runsOf = (key: string) => emu.engine.runs().filter((r) => r.pipelineKey === key);

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** Starts the emulator and the adapter for this test file; stops them after it. */
export function useAdoRig(): void {
  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 20, seed: true });
    devops = adapter();
  });
  afterAll(async () => {
    await emu?.close();
  });
  beforeEach(() => {
    emu.faults.clear();
    sleeps.length = 0;
    warnings.length = 0;
  });
}
