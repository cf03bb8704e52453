import { join } from 'node:path';
import type { AccessToken } from '@azure/identity';
import { UserTokenExchanger } from '../../src/auth/user-token';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps, type AdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { cardActionActivity, messageActivity, postActivity } from '../support/activities';
import {
  startFakeConnector,
  type ConnectorCall,
  type FakeConnector,
} from '../support/fake-connector';
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
export const APP_PASSWORD = 'act-as-person-app-password~Zq8';
export const BOT_TOKEN = 'bot-own-token-for-the-token-service-9Kd';

/** The person's token for the bot, as the token service would hand it out (distinct per `tag`). */
export const userToken = (tag: string) =>
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
export interface ActAsPersonRig {
  t: TestApp;
  emu: Emulator;
  /** The fake connector whose `tokenService` is the Bot Framework token service at `OAuthUrl`. */
  tokenService: FakeConnector;
  /** What "Entra ID" did: each assertion it exchanged, the tokens it issued, tokens it refuses. */
  exchanged: string[];
  adoTokens: string[];
  expiredAssertions: Set<string>;
  /** While `down`, every exchange fails as if Entra ID were unreachable. */
  entra: { down: boolean };
  /** The bot's own (PAT) view of Azure DevOps, to check what was decided. */
  reader(): AdoDevOps;
  /** Release says `text` in a personal chat; resolves to the bot's first reply. */
  say(text: string, conversationId: string): Promise<ConnectorCall>;
  invoke(name: string, value: unknown, conversationId: string): Promise<Response>;
  /** Release clicks Approve on a card; `extra` adds to `value` (authentication, state). */
  click(data: Record<string, unknown>, conversationId: string, extra?: object): Promise<Response>;
  /**
   * A prod run waiting at its approval, queued in Azure DevOps by the lead (prod's deployer): the
   * release manager is not its requester, so no-self-approval lets them decide it. (One queued by
   * the bot's identity with no run record is refused: nobody can tell who asked for it.)
   */
  pendingApproval(): Promise<{ runId: number; approvalId: string }>;
  signOutEveryone(): void;
  oauthCardOf(call: { activity: Record<string, unknown> }): {
    contentType: string;
    content: Record<string, unknown>;
  };
  /** Every token seen so far (user, SSO, Azure DevOps, the bot's), for a no-leak check. */
  tokensSeen(): string[];
  /** Logs, cards sent and the audit log, as one text. */
  everythingWritten(): Promise<string>;
  close(): Promise<void>;
}

type Response = Awaited<ReturnType<typeof postActivity>>;

export async function startActAsPersonRig(): Promise<ActAsPersonRig> {
  const exchanged: string[] = [];
  const adoTokens: string[] = [];
  const expiredAssertions = new Set<string>();
  const entra = { down: false };
  const issuer: TestIssuer = await startTestIssuer();
  const tokenService = await startFakeConnector();
  tokenService.tokenService.botToken = BOT_TOKEN;
  const emu = await startEmulator({ catalog, taskMs: 15, seed: false });
  const exchanger = new UserTokenExchanger({
    tenantId: TENANT,
    clientId: APP_ID,
    clientSecret: APP_PASSWORD,
    credentialFor: (assertion) => ({
      getToken: async (): Promise<AccessToken> => {
        exchanged.push(assertion);
        if (entra.down) throw new Error('ECONNRESET');
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
  const t = await startTestApp(
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

  return {
    t,
    emu,
    tokenService,
    exchanged,
    adoTokens,
    expiredAssertions,
    entra,
    reader,
    async say(text, conversationId) {
      const before = t.connector.calls.length;
      const res = await postActivity(
        t.app.url,
        messageActivity(text, envelope(conversationId)),
        auth(),
      );
      expect(res.status).toBe(200);
      const calls = await t.connector.waitFor(before + 1);
      return calls[before]!;
    },
    invoke(name, value, conversationId) {
      const activity = {
        ...messageActivity('', envelope(conversationId)),
        type: 'invoke',
        name,
        value,
        text: undefined,
      };
      return postActivity(t.app.url, activity, auth());
    },
    click(data, conversationId, extra = {}) {
      const activity = cardActionActivity('approval.approve', data, envelope(conversationId));
      (activity.value as Record<string, unknown>) = {
        ...(activity.value as Record<string, unknown>),
        ...extra,
      };
      return postActivity(t.app.url, activity, auth());
    },
    async pendingApproval() {
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
      await emu.engine.waitFor(
        run.id,
        () => emu.engine.pendingApprovals(run.id).length > 0,
        15_000,
      );
      const [approval] = await reader().pendingApprovals({ runId: run.id });
      return { runId: run.id, approvalId: approval!.id };
    },
    signOutEveryone: () => tokenService.tokenService.tokens.clear(),
    oauthCardOf: (call) =>
      (
        call.activity.attachments as { contentType: string; content: Record<string, unknown> }[]
      )[0]!,
    tokensSeen: () => [
      ...exchanged,
      ...adoTokens,
      ...[...tokenService.tokenService.exchangeable.keys()],
      'teams-sso-token-not-consented',
      BOT_TOKEN,
    ],
    async everythingWritten() {
      return [
        t.logs.join('\n'),
        JSON.stringify(t.connector.calls.map((c) => c.activity)),
        JSON.stringify(await t.app.store.queryAudit({ limit: 1000 })),
      ].join('\n');
    },
    async close() {
      await t.close();
      await emu.close();
      await tokenService.close();
      await issuer.close();
    },
  };
}
