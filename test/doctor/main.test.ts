import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { botChildEnv } from '../support/bot-process';

const ROOT = join(__dirname, '..', '..');

/** `npm run doctor` as an operator runs it: a process, a table on stdout, an exit code. */
function doctor(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/doctor/main.ts'],
      { cwd: ROOT, timeout: 90_000, env: botChildEnv(env) },
      (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
    );
  });
}

describe('npm run doctor (the process)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ catalog: loadCatalog('config/digitre.yaml'), taskMs: 1000 });
  });
  afterAll(() => emu.close());

  it('exits 1 with the failing check and its fix for a bad PAT, and never prints the PAT', async () => {
    const pat = 'b'.repeat(52);
    const { code, stdout } = await doctor({
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: pat,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+Credentials\s+Azure DevOps did not accept the credentials/);
    expect(stdout).toMatch(/fix: Create a new PAT/);
    expect(stdout).toContain('1 of 1 checks failed.');
    expect(stdout).not.toContain(pat);
  }, 100_000);

  it('exits 0 in local mode, where every check passes', async () => {
    const { code, stdout } = await doctor({});
    expect(stdout).toMatch(/All \d+ checks passed\./);
    expect(code).toBe(0);
  }, 100_000);
});
