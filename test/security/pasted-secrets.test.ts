import { randomBytes, randomUUID } from 'node:crypto';
import { CardSigner, signCardData } from '../../src/actions/card-signer';
import { maskSecrets } from '../../src/text/mask-secrets';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { systemClock } from '../../src/clock/clock';
import { listLocks } from '../../src/locks/list-locks';
import { cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

const alnum = (n: number) =>
  [...randomBytes(n)]
    .map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62])
    .join('');
const base32 = (n: number) =>
  [...randomBytes(n)].map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('');

/** A configured secret with no recognisable shape: only exact matching can mask it. */
const WEBHOOK_SECRET = 'hook-Plain-7d3e9a1b5c-longer-than-what-usage-errors-echo';

/**
 * Secrets people paste that the bot was never configured with: [kind, what is pasted, the part
 * that must never leave]. Fresh values each run, so nothing can match by accident.
 */
const PASTED: [string, string, string][] = (() => {
  const pat = base32(52);
  const pat84 = `${alnum(76)}AZDO${alnum(4)}`;
  const key = `${alnum(40)}==`;
  const sig = `${alnum(30)}%2B${alnum(6)}%3D`;
  const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJ${alnum(30)}.${alnum(40)}`;
  const bearer = alnum(32);
  const slack = `xoxb-${alnum(12)}-${alnum(13)}-${alnum(24)}`;
  const clientSecret = `${alnum(3)}8Q~${alnum(34)}`;
  const github = `ghp_${alnum(36)}`;
  return [
    ['an Azure DevOps PAT', pat, pat],
    ['an 84-character Azure DevOps PAT', pat84, pat84],
    [
      'a storage connection string',
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${key};EndpointSuffix=core.windows.net`,
      key,
    ],
    ['a SAS URL', `https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sig=${sig}`, sig],
    ['a JWT', jwt, jwt],
    ['a bearer token', `Authorization: Bearer ${bearer}`, bearer],
    ['a Slack token', slack, slack],
    ['an Entra client secret', clientSecret, clientSecret],
    ['a GitHub token', github, github],
  ];
})();

/** The secret or any 12 characters of it, at the start, middle or end. */
function leaks(text: string, secret: string): boolean {
  const mid = Math.floor(secret.length / 2) - 6;
  return [secret, secret.slice(0, 12), secret.slice(mid, mid + 12), secret.slice(-12)].some(
    (part) => text.includes(part),
  );
}

describe('maskSecrets recognises pasted secrets by their shape', () => {
  it.each(PASTED)('%s', (_kind, pasted, secret) => {
    const masked = maskSecrets(`look: ${pasted} thanks`);
    expect(leaks(masked, secret)).toBe(false);
    expect(masked).toContain('[REDACTED]');
    expect(masked.startsWith('look: ')).toBe(true);
  });

  it('leaves ordinary chat alone', () => {
    for (const text of [
      'deploy custom-qa model v3 from feature/new-model',
      'lock prod release 3.2 freeze, token rotation on friday',
      'approve 1234 looks good; sig of the release is fine',
      'run 0c1f7b2e9d8a4c6b5a3f2e1d0c9b8a7f6e5d4c3b', // a commit hash
    ]) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});

/**
 * Every way text a person typed leaves the bot, through the real server: cards (usage errors,
 * lock reasons shown to everyone by `locks`), approval comments sent to Azure DevOps (typed and
 * from a card's comment box), and the audit log (masked before it is clipped).
 */
describe('pasted secrets are masked on every path out', () => {
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({
      ADO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CHATOPS_RATE_LIMIT_PER_MINUTE: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends `text` in a fresh chat and returns the reply as JSON. */
  async function say(text: string, conversationId = `a:paste-${++n}-${randomUUID()}`) {
    const before = t.connector.calls.filter((c) => c.conversationId === conversationId).length;
    const res = await postActivity(
      t.app.url,
      messageActivity(text, { serviceUrl: t.connector.url, conversationId }),
    );
    expect(res.status).toBe(200);
    const calls = await t.connector.waitFor(
      before + 1,
      (c) => c.conversationId === conversationId,
      15_000,
    );
    return JSON.stringify(calls[calls.length - 1]!.activity);
  }

  const auditText = async () => JSON.stringify(await t.app.store.queryAudit({ limit: 10_000 }));

  it.each(PASTED.filter(([, pasted]) => !/[=\s]/.test(pasted)))(
    'usage errors: %s echoed back as an unknown word is masked before it is clipped',
    async (_kind, pasted, secret) => {
      const reply = await say(`deploy qa ${pasted}`);
      expect(reply).toContain('REDACTED');
      expect(leaks(reply, secret)).toBe(false);
    },
  );

  it('usage errors: a configured secret longer than what they echo is masked before it is parsed', async () => {
    const reply = await say(`deploy qa ${WEBHOOK_SECRET}`);
    expect(reply).toContain('REDACTED');
    expect(leaks(reply, WEBHOOK_SECRET)).toBe(false);
  });

  it.each([...PASTED, ['a configured secret', WEBHOOK_SECRET, WEBHOOK_SECRET]])(
    'lock reasons: %s is masked before it is stored, so `locks` never shows it',
    async (_kind, pasted, secret) => {
      const locked = await say(`lock dev freeze ${pasted} for 30m`);
      expect(locked).toContain('is locked');
      const stored = await listLocks(t.app.store, systemClock);
      const list = await say('locks');
      await say('unlock dev');
      expect(leaks(JSON.stringify(stored), secret)).toBe(false);
      expect(leaks(list, secret)).toBe(false);
      expect(leaks(locked, secret)).toBe(false);
      expect(list).toContain('freeze');
    },
  );

  it('approval comments: what goes to Azure DevOps is masked, typed or from the card', async () => {
    const emu = t.app.emulator!;
    // Comments are limited to 500 characters: half the kinds typed, the other half clicked.
    const typedKinds = PASTED.slice(0, 4);
    const clickedKinds = PASTED.slice(4);
    const commentOf = (approvalId: string) =>
      JSON.stringify(emu.engine.approval(approvalId)?.steps.map((s) => s.comment));

    const typed = emu.queueRun('prod', { modelVersion: '3' });
    const typedApproval = await emu.untilWaitingForApproval(typed.id);
    await say(`approve ${typed.id} ok ${typedKinds.map(([, pasted]) => pasted).join(' ')}`);
    expect(emu.engine.approval(typedApproval.id)?.status).toBe('approved');

    const clicked = emu.queueRun('prod', { modelVersion: '3' });
    const clickedApproval = await emu.untilWaitingForApproval(clicked.id);
    const conversationId = `a:paste-card-${randomUUID()}`;
    const signer = await CardSigner.load(t.app.store);
    const data = signCardData(
      { approvalId: clickedApproval.id, runId: clicked.id },
      conversationId,
      signer,
    );
    const res = await postActivity(
      t.app.url,
      cardActionActivity(
        CARD_VERBS.reject,
        { ...data, comment: `no: ${clickedKinds.map(([, pasted]) => pasted).join(' ')}` },
        { serviceUrl: t.connector.url, conversationId },
      ),
    );
    expect(res.body).toMatchObject({ statusCode: 200 });
    expect(emu.engine.approval(clickedApproval.id)?.status).toBe('rejected');

    for (const [approvalId, kinds] of [
      [typedApproval.id, typedKinds],
      [clickedApproval.id, clickedKinds],
    ] as const) {
      const sent = commentOf(approvalId);
      expect(sent).toContain('REDACTED');
      for (const [, , secret] of kinds) expect(leaks(sent, secret)).toBe(false);
    }
    const audit = await auditText();
    for (const [, , secret] of PASTED) expect(leaks(audit, secret)).toBe(false);
  });

  it('the audit log masks before it clips: a secret across the old 200-character cut does not survive', async () => {
    // "approve 999999 " + padding + " ": the secret starts at character 188.
    const padding = 'x'.repeat(172);
    await say(`approve 999999 ${padding} ${WEBHOOK_SECRET}`);
    const [, connectionString, key] = PASTED[2]!;
    const keyAt = connectionString.indexOf(key);
    await say(`approve 999999 ${'y'.repeat(190 - 16 - keyAt)} ${connectionString}`);
    const audit = await auditText();
    expect(audit).toContain(padding);
    expect(audit).not.toContain(WEBHOOK_SECRET.slice(0, 8));
    expect(leaks(audit, WEBHOOK_SECRET)).toBe(false);
    expect(leaks(audit, key)).toBe(false);
  });
});
