import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { maskSecrets } from '../../src/text/mask-secrets';
import { createLogger } from '../../src/logging/create-logger';
import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

/** Distinctive values: any appearance anywhere is a leak, never a coincidence. */
const SECRETS = {
  ADO_PAT: 'patleak7q2w3e4r5t6y7u8i9o0pzaxscdvfbgnhmjkl234567abcd',
  MicrosoftAppPassword: 'AppPwdLeak~8f7e6d5c4b3a2918-SECRET',
  ADO_WEBHOOK_SECRET: 'hooksecret-LEAK-5a4b3c2d1e0f',
  AZURE_STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=https;AccountName=leakacct;AccountKey=QUtleUxFQUtfMTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net',
};
/** The forms a secret travels in: as is, and the PAT inside a Basic header. */
const FORMS: [string, string][] = [
  ...Object.entries(SECRETS),
  ['ADO_PAT (basic)', Buffer.from(`:${SECRETS.ADO_PAT}`).toString('base64')],
  ['AccountKey', 'QUtleUxFQUtfMTIzNDU2Nzg5MA=='],
];

describe('no secret leaks across a full deploy / fail / status / logs scenario', () => {
  let emu: Emulator;
  let t: TestApp;
  const conv = 'a:secret-leak-chat';
  let nReplies = 0;

  async function say(text: string): Promise<string> {
    await postActivity(
      t.app.url,
      messageActivity(text, { serviceUrl: t.connector.url, conversationId: conv }),
    );
    nReplies++;
    const calls = await t.connector.waitFor(nReplies, (c) => c.conversationId === conv, 15_000);
    return JSON.stringify(calls[calls.length - 1]!.activity);
  }

  beforeAll(async () => {
    const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
    emu = await startEmulator({ catalog, taskMs: 15, seed: true, pat: SECRETS.ADO_PAT });
    t = await startTestApp({
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: SECRETS.ADO_PAT,
      // Without an app id botbuilder stays unauthenticated (outgoing auth cannot be faked
      // offline); the password is still configured, so a leak of it would show.
      MicrosoftAppPassword: SECRETS.MicrosoftAppPassword,
      ADO_WEBHOOK_SECRET: SECRETS.ADO_WEBHOOK_SECRET,
      // Harmless with the memory store: configured (so it is in config.secrets), never dialled.
      AZURE_STORAGE_CONNECTION_STRING: SECRETS.AZURE_STORAGE_CONNECTION_STRING,
      LOG_LEVEL: 'trace',
    });
  });
  afterAll(async () => {
    await t?.close();
    await emu?.close();
  });

  it('runs the scenario over HTTP, then finds no secret in logs, cards or the audit log', async () => {
    // A successful deploy.
    const deployed = await say('deploy custom-qa model v3');
    const runId = Number(/"runId":\s*(\d+)/.exec(deployed)?.[1] ?? /#(\d+)/.exec(deployed)?.[1]);
    expect(runId).toBeGreaterThan(0);
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 15_000);

    // A failing one, whose log lines the bot shows.
    emu.engine.failNext('custom-qa', {
      stage: 'Deploy_CustomQA',
      task: 'Deploy endpoint',
      lines: ['Deploying endpoint digitre-custom-qa', 'quota exceeded', 'exit code 1'],
    });
    const failing = await say('deploy custom-qa model v2');
    const failedId = Number(/"runId":\s*(\d+)/.exec(failing)?.[1] ?? /#(\d+)/.exec(failing)?.[1]);
    expect(failedId).toBeGreaterThan(0);
    await emu.engine.waitFor(failedId, (r) => r.status === 'completed', 15_000);

    expect(await say('status')).toBeTruthy();
    expect(await say(`status ${failedId}`)).toBeTruthy();
    const logs = await say(`logs ${failedId}`);
    expect(logs).toContain('quota exceeded');
    await say('deploy prod model v3'); // a confirmation card
    await say('whoami');

    // Service hooks: a wrong secret, then the right one (when the app serves the route).
    const hook = (auth: string) =>
      fetch(`${t.app.url}/api/ado-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ id: 'leak-evt', eventType: 'build.complete', resource: {} }),
      });
    await hook(`Basic ${Buffer.from('x:wrong-secret-value').toString('base64')}`);
    await hook(`Basic ${Buffer.from(`x:${SECRETS.ADO_WEBHOOK_SECRET}`).toString('base64')}`);

    // Azure DevOps saw the PAT (proof the scenario used it)...
    expect(emu.requestLog.count()).toBeGreaterThan(0);
    // ...and nothing the bot wrote or sent contains any form of a secret.
    await new Promise((r) => setTimeout(r, 200)); // let async log writes land
    const haystacks: [string, string][] = [
      ['logs', t.logs.join('\n')],
      ['cards sent to Teams', JSON.stringify(t.connector.calls)],
      ['audit log', JSON.stringify(await t.app.store.queryAudit({ limit: 10_000 }))],
    ];
    expect(t.logs.join('')).toContain('"command":"deploy"');
    expect(t.connector.calls.length).toBeGreaterThanOrEqual(7);
    const leaks = haystacks.flatMap(([where, text]) =>
      FORMS.filter(([, value]) => text.includes(value)).map(([name]) => `${name} in ${where}`),
    );
    expect(leaks).toEqual([]);
  }, 90_000);

  it('a secret a user pastes into a command is masked in the reply and the logs', async () => {
    const before = t.connector.calls.length;
    const reply = await say(`help ${SECRETS.ADO_PAT}`);
    expect(t.connector.calls.length).toBeGreaterThan(before);
    expect(reply).not.toContain(SECRETS.ADO_PAT);
    expect(t.logs.join('\n')).not.toContain(SECRETS.ADO_PAT);
  });

  it('a pasted secret is masked in the audit log too', async () => {
    await say(`help ${SECRETS.ADO_PAT}`);
    const audit = JSON.stringify(await t.app.store.queryAudit({ limit: 10_000 }));
    expect(audit).toContain('command:help');
    expect(audit).not.toContain(SECRETS.ADO_PAT);
  });
});

describe('createLogger redaction', () => {
  const capture = (secrets: string[]) => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    return { lines, log: createLogger({ level: 'trace', secrets, destination }) };
  };
  const S = 'sUpErSeCrEt-value-123456';

  it('masks a secret in the message text', () => {
    const { lines, log } = capture([S]);
    log.info(`connecting with ${S} now`);
    expect(lines.join('')).not.toContain(S);
    expect(lines.join('')).toContain('[REDACTED]');
  });

  it('masks a secret anywhere in nested objects and arrays, whatever the key', () => {
    const { lines, log } = capture([S]);
    log.info({ a: { b: { c: [`x${S}y`, { note: S }] } }, harmless: 'ok' }, 'nested');
    const out = lines.join('');
    expect(out).not.toContain(S);
    expect(out).toContain('harmless');
  });

  it('masks a secret in an err object: message, stack and custom fields', () => {
    const { lines, log } = capture([S]);
    const err = Object.assign(new Error(`request failed: Basic ${S}`), {
      config: { headers: { Authorization: `Basic ${S}` } },
      response: { body: `echo ${S}` },
    });
    log.error({ err }, 'call failed');
    const out = lines.join('');
    expect(out).not.toContain(S);
    expect(out).toContain('call failed');
  });

  it('blanks sensitive keys even when the value is not a configured secret', () => {
    const { lines, log } = capture([]);
    log.info(
      {
        headers: { authorization: 'Bearer eyJhbGciOi.unknown.token' },
        req: { headers: { authorization: 'Basic Zm9vOmJhcg==', 'x-chatops-secret': 'hook-value' } },
        password: 'p@ss',
        token: 'tok',
      },
      'keys',
    );
    const out = lines.join('');
    for (const v of ['eyJhbGciOi.unknown.token', 'Zm9vOmJhcg==', 'hook-value', 'p@ss', '"tok"']) {
      expect(out).not.toContain(v);
    }
  });

  it('ignores secrets too short to mask safely (would shred ordinary words)', () => {
    const { lines, log } = capture(['ab']);
    log.info('about abc');
    expect(lines.join('')).toContain('about abc');
  });
});

describe('maskSecrets', () => {
  it('masks every configured secret and the Basic form of a PAT, leaves short values alone', () => {
    const pat = SECRETS.ADO_PAT;
    const basic = Buffer.from(`:${pat}`).toString('base64');
    expect(maskSecrets(`help ${pat} and ${basic} and ab`, [pat, 'ab'])).toBe(
      'help [REDACTED] and [REDACTED] and ab',
    );
    expect(maskSecrets('nothing here', [pat])).toBe('nothing here');
  });
});
