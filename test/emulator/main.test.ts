import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { WebApi, getPersonalAccessTokenHandler } from 'azure-devops-node-api';

describe('emulator: main (npm run emulator)', () => {
  it('prints ADO_ORG_URL and ADO_PAT, serves the catalog and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/emulator/main.ts', 'config/digitre.yaml'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output; got: ${out}`)), 20000);
        child.stdout.on('data', (d: string) => {
          out += d;
          if (out.split('\n').length > 2) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
      });
      const [urlLine, patLine] = out.split('\n');
      expect(urlLine).toMatch(/^ADO_ORG_URL=http:\/\/127\.0\.0\.1:\d+\/digitre$/);
      expect(patLine).toMatch(/^ADO_PAT=[a-z2-7]{52}$/);
      const api = new WebApi(
        urlLine!.slice('ADO_ORG_URL='.length),
        getPersonalAccessTokenHandler(patLine!.slice('ADO_PAT='.length)),
      );
      const pipelines = await (await api.getPipelinesApi()).listPipelines('DigitRE');
      expect(pipelines).toHaveLength(7);
      child.removeAllListeners('exit');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
