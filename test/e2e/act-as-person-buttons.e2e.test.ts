import { cardOf, executeActions } from '../support/card-inspection';
import { APP_ID, CONNECTION, RELEASE } from '../security/support/person-tokens';
import {
  APP_PASSWORD,
  userToken,
  startActAsPersonRig,
  type ActAsPersonRig,
} from './act-as-person-rig';

/**
 * Acting as the person from card buttons (Universal Actions login: 401 loginRequest, then the
 * retried click with authentication.token or a magic code), an expired sign-in, Entra ID down,
 * and no token anywhere in what the bot writes. The rig (act-as-person-rig.ts) says what is real.
 */
describe('acting as the person: Universal Actions login on buttons, failures, no leaks, end to end', () => {
  let rig: ActAsPersonRig;

  beforeAll(async () => {
    rig = await startActAsPersonRig();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await rig?.close();
  });

  it('a button: 401 loginRequest first, then the retried click with authentication.token decides it', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-button';
    // Signed in to read the card, then signed out before clicking.
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status'));
    const tokenCalls = rig.tokenService.tokenService.calls.length;
    const status = await rig.say(`status ${runId}`, conv);
    // Lazy: a command that does not act in Azure DevOps as the person costs no token-service call.
    expect(rig.tokenService.tokenService.calls.length).toBe(tokenCalls);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve');
    expect(approve).toBeDefined();
    rig.signOutEveryone();

    const first = await rig.click({ ...approve!.data, comment: 'lgtm' }, conv);
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
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');

    // Teams could not exchange silently with this one: 412, still pending.
    const badRetry = await rig.click({ ...approve!.data, comment: 'lgtm' }, conv, {
      authentication: { id: 'auth-1', connectionName: CONNECTION, token: 'sso-not-consented' },
    });
    expect(badRetry.body).toMatchObject({
      statusCode: 412,
      type: 'application/vnd.microsoft.error.preconditionFailed',
    });
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');

    const sso = 'teams-sso-token-button';
    rig.tokenService.tokenService.exchangeable.set(sso, {
      userId: RELEASE.id,
      token: userToken('btn'),
    });
    const retried = await rig.click({ ...approve!.data, comment: 'lgtm' }, conv, {
      authentication: { id: 'auth-2', connectionName: CONNECTION, token: sso },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
    });
    const decided = (await rig.reader().getApproval(approvalId))!;
    expect(decided).toMatchObject({ status: 'approved', comment: 'Approved via Teams: lgtm' });
    expect(decided.decidedBy).toMatch(/Rita Release/);
  });

  it('a button retried with a magic code (value.state) decides it too', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-button-code';
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status2'));
    const status = await rig.say(`status ${runId}`, conv);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve')!;
    rig.signOutEveryone();
    expect((await rig.click(approve.data, conv)).body).toMatchObject({ statusCode: 401 });
    rig.tokenService.tokenService.magicCodes.set('777111', {
      userId: RELEASE.id,
      token: userToken('c'),
    });
    const retried = await rig.click(approve.data, conv, { state: '777111' });
    expect(retried.body).toMatchObject({ statusCode: 200 });
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('approved');
  });

  it('an expired sign-in: the token service forgets it and the person gets a sign-in card that says why', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-expired';
    const stale = userToken('stale');
    rig.expiredAssertions.add(stale);
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, stale);
    const reply = await rig.say(`approve ${runId}`, conv);
    const card = rig.oauthCardOf(reply);
    expect(card.contentType).toBe('application/vnd.microsoft.card.oauth');
    expect(String(card.content.text)).toMatch(/sign-in has expired/i);
    expect(rig.tokenService.tokenService.calls.at(-2)).toMatchObject({
      method: 'DELETE',
      path: '/api/usertoken/SignOut',
    });
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');

    // Same on a button, which answers a loginRequest whose text says why.
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('status3'));
    const status = await rig.say(`status ${runId}`, conv);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve')!;
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, stale);
    const clicked = await rig.click(approve.data, conv);
    expect(clicked.body).toMatchObject({
      statusCode: 401,
      value: { text: expect.stringMatching(/expired/) },
    });
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('Entra ID unavailable: a clear "try again", no sign-in card, nothing decided', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    rig.tokenService.tokenService.tokens.set(`${RELEASE.id}|${CONNECTION}`, userToken('down'));
    rig.entra.down = true;
    try {
      const reply = await rig.say(`approve ${runId}`, 'a:conv-down');
      const text = JSON.stringify(reply.activity);
      expect(text).toMatch(/try again/i);
      expect(text).not.toContain('application/vnd.microsoft.card.oauth');
      expect(text).not.toMatch(/ECONNRESET|at .*\.ts:\d+/);
    } finally {
      rig.entra.down = false;
    }
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('no user, SSO or Azure DevOps token reaches the logs, the cards or the audit log', async () => {
    const everything = await rig.everythingWritten();
    const tokens = rig.tokensSeen();
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).not.toContain(APP_PASSWORD);
  });
});
