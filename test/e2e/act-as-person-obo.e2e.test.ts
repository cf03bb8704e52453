import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { messageActivity, postActivity } from '../support/activities';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { cardOf } from '../support/card-inspection';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import {
  startEntraTokenService,
  type EntraTokenService,
} from '../security/support/entra-token-service';
import { makeSelfSignedCert, type SelfSignedCert } from '../security/support/self-signed-cert';
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

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const APP_PASSWORD = 'obo-chain-app-password~R4t';
const BOT_TOKEN = 'bot-own-token-child-7Hq';

/**
 * The whole chain in a real bot process: Teams message → Bot Framework auth (local issuer) →
 * botbuilder's UserTokenClient at `OAuthUrl` → sign-in card → signin/verifyState with the magic
 * code → the person's token exchanged on-behalf-of by @azure/identity against a local https
 * Entra ID (`CHATOPS_ENTRA_AUTHORITY_HOST`, self-signed, trusted through NODE_EXTRA_CA_CERTS) →
 * the approval PATCH in the emulator carries the person's Azure DevOps token. The bot's own
 * identity is not a prod approver there, so only the person's token can decide.
 */
describe('acting as the person: the full chain with the real on-behalf-of exchange (bot process)', () => {
  let cert: SelfSignedCert;
  let entra: EntraTokenService;
  let issuer: TestIssuer;
  let channel: FakeConnector;
  let tokenService: FakeConnector;
  let emu: Emulator;
  let bot: BotProcess;
  const userToken = unsignedJwt({
    aud: APP_ID,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    oid: RELEASE.aadObjectId,
    upn: RELEASE_UPN,
    name: RELEASE.name,
    exp: nowSec() + 3600,
  });

  beforeAll(async () => {
    cert = makeSelfSignedCert();
    entra = await startEntraTokenService({
      tenant: TENANT,
      clientId: APP_ID,
      clientSecret: APP_PASSWORD,
      cert,
    });
    issuer = await startTestIssuer();
    channel = await startFakeConnector();
    channel.members.set(RELEASE.id, { ...RELEASE, userPrincipalName: RELEASE_UPN });
    tokenService = await startFakeConnector();
    tokenService.tokenService.botToken = BOT_TOKEN;
    emu = await startEmulator({ catalog, taskMs: 15, seed: false });
    bot = await startBotProcess(
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
        CHATOPS_ENTRA_AUTHORITY_HOST: entra.authorityHost,
        NODE_EXTRA_CA_CERTS: cert.certPath,
        ADO_ORG_URL: emu.orgUrl,
        ADO_PROJECT: emu.project,
        ADO_PAT: emu.pat,
        CHATOPS_STORE: 'memory',
        LOG_LEVEL: 'debug',
        TEST_BOT_TOKEN: BOT_TOKEN,
      },
      { entry: 'test/security/support/bot-child.ts' },
    );
  }, 90_000);

  afterAll(async () => {
    await bot?.stop();
    await emu?.close();
    await tokenService?.close();
    await channel?.close();
    await issuer?.close();
    await entra?.close();
    cert?.remove();
  });

  const auth = () => channelAuth(issuer, APP_ID, channel.url);
  const envelope = {
    serviceUrl: '',
    conversationId: 'a:obo-chain',
    conversationType: 'personal' as const,
    from: RELEASE,
  };
  const reader = () =>
    createAdoDevOps({ orgUrl: emu.orgUrl, project: emu.project, catalog, auth: { pat: emu.pat } });

  it('sign-in card, then the magic code: the emulator records the PERSON as approver', async () => {
    // Queued in Azure DevOps by the lead: not the release manager's own run, so no-self-approval
    // lets them decide (a bot-identity run with no record would be refused as unknown).
    const lead = unsignedJwt({
      oid: 'lead-oid',
      upn: 'devops.lead@digitre.example',
      name: 'Dana Lead',
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    const run = await reader().runPipeline(
      {
        pipelineKey: 'prod',
        parameters: { modelVersion: '1' },
        correlationId: `obo-chain-${Date.now()}`,
      },
      { bearerToken: lead },
    );
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 15_000);
    const [approval] = await reader().pendingApprovals({ runId: run.id });

    const env = { ...envelope, serviceUrl: channel.url };
    const res = await postActivity(
      bot.url,
      messageActivity(`approve ${run.id} evaluation metrics fine`, env),
      auth(),
    );
    expect(res.status).toBe(200);
    const [signInCard] = await channel.waitFor(1, () => true, 20_000);
    expect(JSON.stringify(signInCard!.activity)).toContain('application/vnd.microsoft.card.oauth');
    expect(entra.requests).toHaveLength(0);
    expect((await reader().getApproval(approval!.id))!.status).toBe('pending');

    tokenService.tokenService.magicCodes.set('918273', { userId: RELEASE.id, token: userToken });
    const verify = await postActivity(
      bot.url,
      {
        ...messageActivity('', env),
        type: 'invoke',
        name: 'signin/verifyState',
        value: { state: '918273' },
      },
      auth(),
    );
    expect(verify.status).toBe(200);
    const [, answer] = await channel.waitFor(2, () => true, 20_000);
    expect(JSON.stringify(cardOf(answer!))).toContain('Approved');

    // One real on-behalf-of request, by the bot's app (the default OBO app), for this person.
    expect(entra.requests).toHaveLength(1);
    expect(entra.requests[0]).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: APP_ID,
      assertion: userToken,
    });
    const decided = (await reader().getApproval(approval!.id))!;
    expect(decided.status).toBe('approved');
    expect(decided.decidedBy).toMatch(/Rita Release|release\.manager/);
    expect(decided.decidedBy).not.toMatch(/ChatOps/i);
    expect(decided.comment).toBe('Approved via Teams: evaluation metrics fine');
  }, 60_000);

  it('secrets and tokens stay out of the bot’s logs and cards', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const everything = [
      bot.logs.join('\n'),
      JSON.stringify(channel.calls.map((c) => c.activity)),
    ].join('\n');
    expect(bot.logs.length).toBeGreaterThan(3);
    expect(entra.issued).toHaveLength(1);
    for (const secret of [userToken, ...entra.issued, APP_PASSWORD, BOT_TOKEN, emu.pat]) {
      expect(everything).not.toContain(secret);
    }
  });
});
