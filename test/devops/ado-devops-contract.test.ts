import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator } from '../../src/emulator/start-emulator';
import { contractCatalog, runDevOpsPortContract } from './devops-port-contract';

/**
 * The real adapter, through the real azure-devops-node-api over HTTP, against the emulator: the
 * emulator runs the pipelines itself, so the world's levers only wait for it.
 */
runDevOpsPortContract('AdoDevOps over the emulator', async () => {
  const emu = await startEmulator({ catalog: contractCatalog, taskMs: 20, seed: true });
  const devops = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog: contractCatalog,
    auth: { pat: emu.pat },
    timeoutMs: 5000,
    retry: { maxAttempts: 3, baseDelayMs: 10 },
  });
  return {
    devops,
    failNext: (pipelineKey, failure) => emu.engine.failNext(pipelineKey, failure),
    untilWaiting: async (runId) => {
      await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length > 0, 10_000);
    },
    untilCompleted: async (runId) => {
      await emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    },
    close: () => emu.close(),
  };
});
