import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { UserTokenError, UserTokenExchanger } from '../../src/auth/user-token';
import { AZURE_DEVOPS_SCOPE } from '../../src/devops/ado-scope';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { startEntraTokenService, type EntraTokenService } from './support/entra-token-service';
import { nowSec, unsignedJwt } from './support/person-tokens';
import { makeSelfSignedCert, type SelfSignedCert } from './support/self-signed-cert';

const ROOT = join(__dirname, '../..');
const CATALOG_PATH = join(ROOT, 'config/digitre.yaml');
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT_ID = '5d9e1f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const CLIENT_SECRET = 'obo-test-client-secret~Zq8';

describe('UserTokenExchanger (unit, injected credential)', () => {
  const assertion = unsignedJwt({ oid: 'u1', aud: CLIENT_ID });
  const fake = (getToken: TokenCredential['getToken']) => {
    const made: string[] = [];
    return {
      made,
      credentialFor(a: string): TokenCredential {
        made.push(a);
        return { getToken };
      },
    };
  };

  it('asks for the Azure DevOps scope and returns the token as ActAs', async () => {
    const scopes: unknown[] = [];
    const f = fake(async (s) => {
      scopes.push(s);
      return { token: 'ado-token-1', expiresOnTimestamp: Date.now() + 3_600_000 };
    });
    const ex = new UserTokenExchanger({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: 'x',
      ...f,
    });
    await expect(ex.actAs(assertion)).resolves.toEqual({ bearerToken: 'ado-token-1' });
    expect(scopes).toEqual([AZURE_DEVOPS_SCOPE]);
    expect(AZURE_DEVOPS_SCOPE).toBe('499b84ac-1321-427f-aa17-267ca6975798/.default');
  });

  it('caches per person until shortly before expiry', async () => {
    const clock = manualClock(1_000_000);
    let n = 0;
    const f = fake(async (): Promise<AccessToken> => ({
      token: `t${++n}`,
      expiresOnTimestamp: clock.now() + 600_000,
    }));
    const ex = new UserTokenExchanger({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: 'x',
      clock,
      ...f,
    });
    expect((await ex.actAs(assertion)).bearerToken).toBe('t1');
    expect((await ex.actAs(assertion)).bearerToken).toBe('t1');
    expect((await ex.actAs(unsignedJwt({ oid: 'u2' }))).bearerToken).toBe('t2');
    // Valid for 10 minutes; refreshed 2 minutes before that.
    clock.advance(479_999);
    expect((await ex.actAs(assertion)).bearerToken).toBe('t1');
    clock.advance(1);
    expect((await ex.actAs(assertion)).bearerToken).toBe('t3');
  });

  it('refuses a non-JWT assertion without calling Entra ID', async () => {
    const f = fake(async () => ({ token: 'x', expiresOnTimestamp: Date.now() + 1e6 }));
    const ex = new UserTokenExchanger({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: 'x',
      ...f,
    });
    await expect(ex.actAs('')).rejects.toMatchObject({ code: 'invalidAssertion' });
    await expect(ex.actAs('not-a-token')).rejects.toBeInstanceOf(UserTokenError);
    expect(f.made).toEqual([]);
  });

  it.each([
    ['AADSTS65001: The user or administrator has not consented', 'consentRequired'],
    ['interaction_required: MFA', 'consentRequired'],
    [
      'invalid_grant: AADSTS500133: Assertion is not within its valid time range',
      'invalidAssertion',
    ],
    ['ECONNRESET', 'unavailable'],
  ])('classifies %s as %s, without echoing the error text', async (message, code) => {
    const secretish = `${message} ${assertion}`;
    const f = fake(async () => {
      throw new Error(secretish);
    });
    const ex = new UserTokenExchanger({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: 'x',
      ...f,
    });
    const err = (await ex.actAs(assertion).catch((e: unknown) => e)) as UserTokenError;
    expect(err).toBeInstanceOf(UserTokenError);
    expect(err.code).toBe(code);
    expect(err.message).not.toContain(assertion);
  });

  it('refuses an http authority host (tokens must not travel in clear)', () => {
    expect(
      () =>
        new UserTokenExchanger({
          tenantId: TENANT,
          clientId: CLIENT_ID,
          clientSecret: 'x',
          authorityHost: 'http://127.0.0.1:1',
        }),
    ).toThrow(RangeError);
  });
});

/**
 * The real @azure/identity OnBehalfOfCredential against a local https token service with a
 * self-signed certificate, trusted through NODE_EXTRA_CA_CERTS in a child process; the child then
 * decides an approval in the emulator with the user's token.
 */
describe('acting as the person: OBO exchange and approval over HTTPS (child process)', () => {
  let cert: SelfSignedCert;
  let entra: EntraTokenService;
  let authorityHost: string;
  let emu: Emulator;
  let tokenRequests: Record<string, string>[];
  const catalog = loadCatalog(CATALOG_PATH);
  const RELEASE = 'release.manager@digitre.example';
  const userAssertion = unsignedJwt({
    aud: CLIENT_ID,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    oid: '00000000-0000-0000-0000-0000000000b2',
    upn: RELEASE,
    name: 'Rita Release',
    exp: nowSec() + 3600,
  });

  beforeAll(async () => {
    cert = makeSelfSignedCert();
    entra = await startEntraTokenService({
      tenant: TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      cert,
    });
    authorityHost = entra.authorityHost;
    tokenRequests = entra.requests;
    emu = await startEmulator({ catalog, taskMs: 15, seed: false });
  });

  afterAll(async () => {
    await emu?.close();
    await entra?.close();
    cert?.remove();
  });

  /** Runs the OBO + approval script in a child that trusts the certificate. */
  function runChild(input: Record<string, string>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(__dirname, 'support/obo-child.ts')],
        {
          cwd: ROOT,
          timeout: 40_000,
          env: {
            PATH: process.env.PATH,
            NODE_EXTRA_CA_CERTS: cert.certPath,
            OBO_CHILD_INPUT: JSON.stringify(input),
          },
        },
        (err, stdout, stderr) => {
          const line = stdout.trim().split('\n').pop() ?? '';
          try {
            resolve(JSON.parse(line) as Record<string, unknown>);
          } catch {
            reject(new Error(`child failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
          }
        },
      );
    });
  }

  async function pendingProdApproval(): Promise<string> {
    const devops = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog,
      auth: { pat: emu.pat },
    });
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '1' },
      correlationId: `obo-${Date.now()}-${Math.random()}`,
    });
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 15_000);
    const [approval] = await devops.pendingApprovals({ runId: run.id });
    return approval!.id;
  }

  it('exchanges the user token on-behalf-of and the emulator records the USER as approver', async () => {
    const approvalId = await pendingProdApproval();
    const out = await runChild({
      authorityHost,
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      userAssertion,
      orgUrl: emu.orgUrl,
      project: emu.project,
      pat: emu.pat,
      catalogPath: CATALOG_PATH,
      approvalId,
      comment: 'metrics look fine',
    });
    expect(out).toMatchObject({ ok: true, cachedSame: true });
    expect(out.decided).toMatchObject({ status: 'approved', comment: 'metrics look fine' });
    const decidedBy = String((out.decided as { decidedBy?: string }).decidedBy);
    expect(decidedBy).toMatch(/Rita Release|release\.manager/i);
    expect(decidedBy).not.toMatch(/ChatOps/i);

    // One OBO request (the second actAs came from the cache), shaped as Entra ID expects.
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: CLIENT_ID,
      assertion: userAssertion,
    });
    expect(tokenRequests[0]!.scope).toContain(AZURE_DEVOPS_SCOPE);

    // Read back with the bot's own PAT: Azure DevOps (the emulator) kept the person's name.
    const reader = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog,
      auth: { pat: emu.pat },
    });
    const stored = await reader.getApproval(approvalId);
    expect(stored?.status).toBe('approved');
    expect(stored?.decidedBy).toBe(decidedBy);
  }, 60_000);

  it('a token service refusal becomes a coded UserTokenError, and nothing is decided', async () => {
    const approvalId = await pendingProdApproval();
    const out = await runChild({
      authorityHost,
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: 'wrong-secret',
      userAssertion: unsignedJwt({ aud: CLIENT_ID, oid: 'x', upn: RELEASE, exp: nowSec() + 3600 }),
      orgUrl: emu.orgUrl,
      project: emu.project,
      pat: emu.pat,
      catalogPath: CATALOG_PATH,
      approvalId,
      comment: 'should not land',
    });
    expect(out).toMatchObject({ ok: false, name: 'UserTokenError', code: 'invalidAssertion' });
    expect(String(out.message)).not.toContain('wrong-secret');
    expect(emu.engine.pendingApprovals().map((a) => a.id)).toContain(approvalId);
  }, 60_000);
});
