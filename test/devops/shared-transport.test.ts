import { createAdoDevOps } from '../../src/devops/ado-devops';
import { AdoTransport } from '../../src/devops/ado-transport';
import { HooksClient } from '../../src/devops/hooks-client';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { contractCatalog as catalog } from './devops-port-contract';

describe('one transport for the adapter and the Hooks client', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 20, seed: true });
  });
  afterAll(() => emu.close());

  it('builds it on first use only, and both speak through it', async () => {
    const made: AdoTransport[] = [];
    const transport = () => {
      made.push(new AdoTransport({ orgUrl: emu.orgUrl, auth: { pat: emu.pat } }));
      return made[made.length - 1]!;
    };
    let shared: AdoTransport | undefined;
    const once = () => (shared ??= transport());
    const hooks = new HooksClient({
      orgUrl: emu.orgUrl,
      project: emu.project,
      auth: { pat: 'unused: the transport carries the credential' },
      transport: once,
    });
    expect(made).toHaveLength(0); // azure-devops-node-api is not touched at start-up
    expect(await hooks.listPipelines()).not.toHaveLength(0);
    const devops = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog,
      auth: { pat: 'unused: the transport carries the credential' },
      transport: once(),
    });
    expect(await devops.listRuns({ top: 1 })).toHaveLength(1);
    await hooks.projectId();
    expect(made).toHaveLength(1);
  });
});
