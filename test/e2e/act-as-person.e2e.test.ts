import { join } from 'node:path';
import type { AccessToken } from '@azure/identity';
import { UserTokenExchanger } from '../../src/auth/user-token';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { cardOf, executeActions } from '../support/card-inspection';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { staticBotCredentials } from '../security/support/static-bot-credentials';
import {
  APP_ID,
  CONNECTION,
  RELEASE,
  RELEASE_UPN,
  TENANT,
  channelAuth,
  nowSec,
  unsignedJwt,
} from '../security/support/person-tokens';
import { startTestIssuer, type TestIssuer } from '../security/support/test-issuer';

const CATALOG = join(__dirname, '../../config/digitre.yaml');
const catalog = loadCatalog(CATALOG);
const APP_PASSWORD = 'act-as-person-app-password~Zq8';
const BOT_TOKEN = 'bot-own-token-for-the-token-service-9Kd';

/** The person's token for the bot, as the token service would hand it out (distinct per `tag`). */
const userToken = (tag: string) =>
  unsignedJwt({
    aud: APP_ID,
    oid: RELEASE.aadObjectId,
    upn: RELEASE_UPN,
    name: RELEASE.name,
    exp: nowSec() + 3600,
    jti: `user-${tag}`,
  });

/**
 * Acting as the person, end to end in one process: the real server in production configuration
 * (Bot Framework auth against a local issuer), botbuilder's own UserTokenClient talking to a fake
 * Bot Framework token service at `OAuthUrl`, and an Azure DevOps emulator in which the bot's own
 * identity is NOT an approver, so only the person's token can decide. The on-behalf-of exchange
 * is the real UserTokenExchanger with Entra ID's answer injected (the https exchange itself is
 * proven in act-as-person-obo.e2e.test.ts, in a child process that trusts a local certificate).
 */
describe('acting as the person: Teams sign-in, SSO and Universal Actions login, end to end', () => {
  let issuer: TestIssuer;
  let tokenService: FakeConnector;
  let emu: Emulator;
  let t: TestApp;
  /** What "Entra ID" did: each assertion it exchanged, and tokens it must refuse. */
  const exchanged: string[] = [];
  const adoTokens: string[] = [];
  const expiredAssertions = new Set<string>();
  let entraDown = false;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    tokenService = await startFakeConnector();
    tokenService.tokenService.botToken = BOT_TOKEN;
    emu = await startEmulator({ catalog, taskMs: 15, seed: false });
    const exchanger = new UserTokenExchanger({
      tenantId: TENANT,
      clientId: APP_ID,
      clientSecret: APP_PASSWORD,
      credentialFor: (assertion) => ({
        getToken: async (): Promise<AccessToken> => {
          exchanged.push(assertion);
          if (entraDown) throw new Error('ECONNRESET');
          if (expiredAssertions.has(assertion)) {
            throw new Error(
              'invalid_grant: AADSTS500133: Assertion is not within its valid time range',
            );
          }
          const claims = JSON.parse(
            Buffer.from(assertion.split('.')[1]!, 'base64url').toString(),
          ) as Record<string, unknown>;
          const token = unsignedJwt({
            aud: '499b84ac-1321-427f-aa17-267ca6975798',
            oid: claims.oid,
            upn: claims.upn,
            name: claims.name,
            exp: nowSec() + 3600,
            jti: `ado-${adoTokens.length}`,
          });
          adoTokens.push(token);
          return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      }),
    });
    t = await startTestApp(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: APP_PASSWORD,
        MicrosoftAppTenantId: TENANT,
        MicrosoftAppType: 'MultiTenant',
        // The Teams tenant test activities carry (test/support/activities.ts).
        CHATOPS_ALLOWED_TENANTS: 'tenant-1',
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromChannelTokenIssuer: issuer.issuer,
        ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
        OAuthUrl: tokenService.url.replace(/\/$/, ''),
        CHATOPS_OAUTH_CONNECTION: CONNECTION,
        ADO_ORG_URL: emu.orgUrl,
        ADO_PROJECT: emu.project,
        ADO_PAT: emu.pat,
        CHATOPS_RATE_LIMIT_PER_MINUTE: '0',
      },
      {
        botCredentialsFactory: staticBotCredentials(APP_ID, BOT_TOKEN),
        userTokenExchanger: exchanger,
      },
    );
    t.connector.members.set(RELEASE.id, { ...RELEASE, userPrincipalName: RELEASE_UPN });
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await emu?.close();
    await tokenService?.close();
    await issuer?.close();
  });

  const reader = () =>
    createAdoDevOps({ orgUrl: emu.orgUrl, project: emu.project, catalog, auth: { pat: emu.pat } });

  /** Teams' Bot Framework token for one activity. */
  const auth = () => channelAuth(issuer, APP_ID, t.connector.url);

  const envelope = (conversationId: string) => ({
    serviceUrl: t.connector.url,
    conversationId,
    conversationType: 'personal' as const,
    from: RELEASE,
  });

  async function say(text: string, conversationId: string) {
    const before = t.connector.calls.length;
    const res = await postActivity(
      t.app.url,
      messageActivity(text, envelope(conversationId)),
      auth(),
    );
    expect(res.status).toBe(200);
    const calls = await t.connector.waitFor(before + 1);
    return calls[before]!;
  }

  async function invoke(name: string, value: unknown, conversationId: string) {
    const activity = {
      ...messageActivity('', envelope(conversationId)),
      type: 'invoke',
      name,
      value,
      text: undefined,
    };
    return postActivity(t.app.url, activity, auth());
  }

  async function click(data: Record<string, unknown>, conversationId: string, extra = {}) {
    const activity = cardActionActivity('approval.approve', data, envelope(conversationId));
    (activity.value as Record<string, unknown>) = {
      ...(activity.value as Record<string, unknown>),
      ...extra,
    };
    return postActivity(t.app.url, activity, auth());
  }

  /**
   * A prod run waiting at its approval, queued in Azure DevOps by the lead (prod's deployer): the
   * release manager is not its requester, so no-self-approval lets them decide it. (One queued by
   * the bot's identity with no run record is refused: nobody can tell who asked for it.)
   */
  async function pendingApproval(): Promise<{ runId: number; approvalId: string }> {
    const lead = unsignedJwt({
      oid: '00000000-0000-0000-0000-0000000001ead',
      upn: 'devops.lead@digitre.example',
      name: 'Dana Lead',
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    const run = await reader().runPipeline(
      {
        pipelineKey: 'prod',
        parameters: { modelVersion: '1' },
        correlationId: `act-as-${Date.now()}-${Math.random()}`,
      },
      { bearerToken: lead },
    );
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 15_000);
    const [approval] = await reader().pendingApprovals({ runId: run.id });
    return { runId: run.id, approvalId: approval!.id };
  }

  const signOutEveryone = () => tokenService.tokenService.tokens.clear();
  const oauthCardOf = (call: { activity: Record<string, unknown> }) =>
    (call.activity.attachments as { contentType: string; content: Record<string, unknown> }[])[0]!;

  it('not signed in: `approve` answers with an OAuth sign-in card and decides nothing', async () => {
    signOutEveryone();
    const { runId, approvalId } = await pendingApproval();
    const reply = await say(`approve ${runId} ship it`, 'a:conv-magic');

    const card = oauthCardOf(reply);
    expect(card.contentType).toBe('application/vnd.microsoft.card.oauth');
    expect(card.content).toMatchObject({
      connectionName: CONNECTION,
      tokenExchangeResource: { id: expect.any(String), uri: `api://botid-${APP_ID}` },
      buttons: [
        { type: 'signin', value: expect.stringMatching(/^https:\/\/token\.botframework\.test\//) },
      ],
    });
    expect(String(card.content.text)).toContain(`approve ${runId} ship it`);
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');

    // botbuilder's UserTokenClient asked the token service, as the bot, for this person.
    const getToken = tokenService.tokenService.calls.find(
      (c) => c.path === '/api/usertoken/GetToken',
    );
    expect(getToken).toMatchObject({
      query: { userId: RELEASE.id, connectionName: CONNECTION, channelId: 'msteams' },
      authorization: `Bearer ${BOT_TOKEN}`,
    });
    expect(tokenService.tokenService.signInStates.at(-1)).toMatchObject({
      connectionName: CONNECTION,
      msAppId: APP_ID,
      conversation: { conversation: { id: 'a:conv-magic' } },
    });
    const audit = await t.app.store.queryAudit({ limit: 5 });
    expect(audit.find((a) => a.action === 'command:approve')).toMatchObject({
      outcome: 'refused',
      detail: expect.stringContaining('sign-in needed'),
    });
  });

  it('signin/verifyState with the magic code runs the waiting approve once, as the person', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-verify';
    signOutEveryone();
    await say(`approve ${runId} metrics fine`, conv);
    const token = userToken('magic');
    tokenService.tokenService.magicCodes.set('424242', { userId: RELEASE.id, token });

    const before = t.connector.calls.length;
    const res = await invoke('signin/verifyState', { state: '424242' }, conv);
    expect(res.status).toBe(200);
    const [answer] = (await t.connector.waitFor(before + 1)).slice(before);
    expect(JSON.stringify(cardOf(answer!))).toContain('Approved');

    const decided = (await reader().getApproval(approvalId))!;
    expect(decided.status).toBe('approved');
    expect(decided.decidedBy).toMatch(/Rita Release|release\.manager/);
    expect(decided.comment).toBe('Approved via Teams: metrics fine');
    expect(exchanged.at(-1)).toBe(token);

    // Teams retries, or a second device verifies: nothing runs again.
    tokenService.tokenService.magicCodes.set('434343', { userId: RELEASE.id, token });
    const again = await invoke('signin/verifyState', { state: '434343' }, conv);
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.connector.calls.length).toBe(before + 1);
    const audit = await t.app.store.queryAudit({ limit: 50 });
    const approves = audit.filter((a) => a.action === 'approve' && a.runId === runId);
    expect(approves).toHaveLength(1);
    expect(approves[0]).toMatchObject({
      outcome: 'ok',
      detail: expect.stringContaining('(as the person)'),
    });
  });

  it('a wrong magic code is a 404 and the command keeps waiting', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-badcode';
    signOutEveryone();
    await say(`approve ${runId}`, conv);
    const res = await invoke('signin/verifyState', { state: '000000' }, conv);
    expect(res.status).toBe(404);
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('signin/tokenExchange: a refused SSO token is a 412 (Teams falls back to the button); a good one resumes once', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-sso';
    signOutEveryone();
    await say(`approve ${runId}`, conv);

    const refused = await invoke(
      'signin/tokenExchange',
      { id: 'exchange-1', connectionName: CONNECTION, token: 'teams-sso-token-not-consented' },
      conv,
    );
    expect(refused.status).toBe(412);
    expect(refused.body).toMatchObject({ id: 'exchange-1', connectionName: CONNECTION });
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');

    const sso = 'teams-sso-token-consented-1';
    tokenService.tokenService.exchangeable.set(sso, {
      userId: RELEASE.id,
      token: userToken('sso'),
    });
    const before = t.connector.calls.length;
    const ok = await invoke(
      'signin/tokenExchange',
      { id: 'exchange-2', connectionName: CONNECTION, token: sso },
      conv,
    );
    expect(ok.status).toBe(200);
    await t.connector.waitFor(before + 1);
    expect((await reader().getApproval(approvalId))!.decidedBy).toMatch(/Rita Release/);
    const exchange = tokenService.tokenService.calls.filter(
      (c) => c.path === '/api/usertoken/exchange',
    );
    expect(exchange.at(-1)).toMatchObject({
      query: { userId: RELEASE.id, connectionName: CONNECTION, channelId: 'msteams' },
      body: { token: sso },
    });

    // The same exchange from another device: acknowledged, nothing runs.
    const dup = await invoke(
      'signin/tokenExchange',
      { id: 'exchange-2', connectionName: CONNECTION, token: sso },
      conv,
    );
    expect(dup.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.connector.calls.length).toBe(before + 1);
  });

  it('a button: 401 loginRequest first, then the retried click with authentication.token decides it', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-button';
    // Signed in to read the card, then signed out before clicking.
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status'));
    const tokenCalls = tokenService.tokenService.calls.length;
    const status = await say(`status ${runId}`, conv);
    // Lazy: a command that does not act in Azure DevOps as the person costs no token-service call.
    expect(tokenService.tokenService.calls.length).toBe(tokenCalls);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve');
    expect(approve).toBeDefined();
    signOutEveryone();

    const first = await click({ ...approve!.data, comment: 'lgtm' }, conv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: {
        connectionName: CONNECTION,
        tokenExchangeResource: { id: expect.any(String), uri: `api://botid-${APP_ID}` },
        buttons: [{ type: 'signin', value: expect.stringContaining('https://') }],
      },
    });
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');

    // Teams could not exchange silently with this one: 412, still pending.
    const badRetry = await click({ ...approve!.data, comment: 'lgtm' }, conv, {
      authentication: { id: 'auth-1', connectionName: CONNECTION, token: 'sso-not-consented' },
    });
    expect(badRetry.body).toMatchObject({
      statusCode: 412,
      type: 'application/vnd.microsoft.error.preconditionFailed',
    });
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');

    const sso = 'teams-sso-token-button';
    tokenService.tokenService.exchangeable.set(sso, {
      userId: RELEASE.id,
      token: userToken('btn'),
    });
    const retried = await click({ ...approve!.data, comment: 'lgtm' }, conv, {
      authentication: { id: 'auth-2', connectionName: CONNECTION, token: sso },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
    });
    const decided = (await reader().getApproval(approvalId))!;
    expect(decided).toMatchObject({ status: 'approved', comment: 'Approved via Teams: lgtm' });
    expect(decided.decidedBy).toMatch(/Rita Release/);
  });

  it('a button retried with a magic code (value.state) decides it too', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-button-code';
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status2'));
    const status = await say(`status ${runId}`, conv);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve')!;
    signOutEveryone();
    expect((await click(approve.data, conv)).body).toMatchObject({ statusCode: 401 });
    tokenService.tokenService.magicCodes.set('777111', {
      userId: RELEASE.id,
      token: userToken('c'),
    });
    const retried = await click(approve.data, conv, { state: '777111' });
    expect(retried.body).toMatchObject({ statusCode: 200 });
    expect((await reader().getApproval(approvalId))!.status).toBe('approved');
  });

  it('an expired sign-in: the token service forgets it and the person gets a sign-in card that says why', async () => {
    const { runId, approvalId } = await pendingApproval();
    const conv = 'a:conv-expired';
    const stale = userToken('stale');
    expiredAssertions.add(stale);
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, stale);
    const reply = await say(`approve ${runId}`, conv);
    const card = oauthCardOf(reply);
    expect(card.contentType).toBe('application/vnd.microsoft.card.oauth');
    expect(String(card.content.text)).toMatch(/sign-in has expired/i);
    expect(tokenService.tokenService.calls.at(-2)).toMatchObject({
      method: 'DELETE',
      path: '/api/usertoken/SignOut',
    });
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');

    // Same on a button, which answers a loginRequest whose text says why.
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status3'));
    const status = await say(`status ${runId}`, conv);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve')!;
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, stale);
    const clicked = await click(approve.data, conv);
    expect(clicked.body).toMatchObject({
      statusCode: 401,
      value: { text: expect.stringMatching(/expired/) },
    });
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('Entra ID unavailable: a clear "try again", no sign-in card, nothing decided', async () => {
    const { runId, approvalId } = await pendingApproval();
    tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('down'));
    entraDown = true;
    try {
      const reply = await say(`approve ${runId}`, 'a:conv-down');
      const text = JSON.stringify(reply.activity);
      expect(text).toMatch(/try again/i);
      expect(text).not.toContain('application/vnd.microsoft.card.oauth');
      expect(text).not.toMatch(/ECONNRESET|at .*\.ts:\d+/);
    } finally {
      entraDown = false;
    }
    expect((await reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('no user, SSO or Azure DevOps token reaches the logs, the cards or the audit log', async () => {
    const everything = [
      t.logs.join('\n'),
      JSON.stringify(t.connector.calls.map((c) => c.activity)),
      JSON.stringify(await t.app.store.queryAudit({ limit: 1000 })),
    ].join('\n');
    const tokens = [
      ...exchanged,
      ...adoTokens,
      ...[...tokenService.tokenService.exchangeable.keys()],
      'teams-sso-token-not-consented',
      BOT_TOKEN,
    ];
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).not.toContain(APP_PASSWORD);
  });
});
