import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'playground.js');
const run = promisify(execFile);

describe('npm run playground -- --help', () => {
  it.each(['--help', '-h'])(
    '%s prints the options and exits 0 without starting anything',
    async (flag) => {
      const { stdout, stderr } = await run(process.execPath, [SCRIPT, flag], { timeout: 20_000 });
      expect(stderr).toBe('');
      for (const option of [
        '--bot-endpoint <url>',
        '--port <n>',
        '--config <file>',
        '-h, --help',
      ]) {
        expect(stdout).toContain(option);
      }
      expect(stdout).toContain('default http://127.0.0.1:3978/api/messages');
    },
  );

  it('an unknown option exits 2 with the usage line', async () => {
    await expect(
      run(process.execPath, [SCRIPT, '--nope', 'x'], { timeout: 20_000 }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown option --nope\nusage: npm run playground --'),
    });
  });
});
