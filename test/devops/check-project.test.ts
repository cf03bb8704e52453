import { loadCatalog } from '../../src/catalog/load-catalog';
import { checkProjectExists } from '../../src/devops/check-project';
import { HooksClient } from '../../src/devops/hooks-client';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';

describe('checkProjectExists (start-up)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ catalog: loadCatalog('config/digitre.yaml'), seed: false });
  });
  afterAll(() => emu.close());
  const check = (project: string, warnings: string[] = []) =>
    checkProjectExists(new HooksClient({ orgUrl: emu.orgUrl, project, auth: { pat: emu.pat } }), {
      orgUrl: emu.orgUrl,
      project,
      warn: (m) => warnings.push(m),
    });

  it('passes for the project (any case)', async () => {
    await expect(check('digitre')).resolves.toBeUndefined();
  });

  it('stops start-up for a project that does not exist, saying which variable to fix', async () => {
    await expect(check('DigitRe-Typo')).rejects.toThrow(
      /^ADO_PROJECT "DigitRe-Typo" does not exist in http:\/\/127\.0\.0\.1:\d+\/digitre/,
    );
  });

  it('only warns when the organization cannot be asked', async () => {
    const warnings: string[] = [];
    await checkProjectExists(
      { projectId: () => Promise.reject(new Error('ECONNREFUSED')) },
      { orgUrl: 'https://dev.azure.com/x', project: 'P', warn: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual(['could not check ADO_PROJECT at start-up: ECONNREFUSED']);
  });
});
