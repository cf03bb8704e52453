import type { DevOpsPort } from '../../src/devops/devops-port';
import { approvalsContract } from './contract/approvals-contract';
import { correlation, type DevOpsWorld, type DevOpsWorldFactory } from './contract/contract-world';
import { runsContract } from './contract/runs-contract';

export {
  contractCatalog,
  personToken,
  type DevOpsWorld,
  type DevOpsWorldFactory,
  type FailSpec,
} from './contract/contract-world';

/**
 * What every `DevOpsPort` must do, as Microsoft documents Azure DevOps
 * (shared/reference/azure-devops-api.md); `in-memory-devops.test.ts` runs it against the fake,
 * `ado-devops-contract.test.ts` against the real adapter over the emulator. The cases live in
 * `contract/`, one file per area.
 * @example runDevOpsPortContract('InMemoryDevOps', async () => fakeWorld());
 */
export function runDevOpsPortContract(name: string, factory: DevOpsWorldFactory): void {
  describe(`${name} DevOpsPort contract`, () => {
    let world: DevOpsWorld | undefined;
    const ready = (): DevOpsWorld => {
      if (!world) throw new Error('the DevOps world failed to start');
      return world;
    };
    const devops = (): DevOpsPort => ready().devops;

    beforeAll(async () => {
      world = await factory();
    });
    afterAll(async () => {
      await world?.close();
    });

    const ctx = {
      world: ready,
      queue: (pipelineKey: string, parameters: Record<string, string>, extra = {}) =>
        devops().runPipeline({ pipelineKey, parameters, correlationId: correlation(), ...extra }),
    };
    runsContract(ctx);
    approvalsContract(ctx);
  });
}
