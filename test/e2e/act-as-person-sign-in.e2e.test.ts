import { cardOf } from '../support/card-inspection';
import { APP_ID, CONNECTION, RELEASE } from '../security/support/person-tokens';
import {
  BOT_TOKEN,
  userToken,
  startActAsPersonRig,
  type ActAsPersonRig,
} from './act-as-person-rig';

/**
 * Acting as the person when they are not signed in: the OAuth sign-in card, then the waiting
 * command resumed once by the magic code (signin/verifyState) or by Teams SSO
 * (signin/tokenExchange). The rig (act-as-person-rig.ts) says what is real and what is faked.
 */
describe('acting as the person: Teams sign-in and SSO, end to end', () => {
  let rig: ActAsPersonRig;

  beforeAll(async () => {
    rig = await startActAsPersonRig();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await rig?.close();
  });

  it('not signed in: `approve` answers with an OAuth sign-in card and decides nothing', async () => {
    rig.signOutEveryone();
    const { runId, approvalId } = await rig.pendingApproval();
    const reply = await rig.say(`approve ${runId} ship it`, 'a:conv-magic');

    const card = rig.oauthCardOf(reply);
    expect(card.contentType).toBe('application/vnd.microsoft.card.oauth');
    expect(card.content).toMatchObject({
      connectionName: CONNECTION,
      tokenExchangeResource: { id: expect.any(String), uri: `api://botid-${APP_ID}` },
      buttons: [
        { type: 'signin', value: expect.stringMatching(/^https:\/\/token\.botframework\.test\//) },
      ],
    });
    expect(String(card.content.text)).toContain(`approve ${runId} ship it`);
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');

    // botbuilder's UserTokenClient asked the token service, as the bot, for this person.
    const getToken = rig.tokenService.tokenService.calls.find(
      (c) => c.path === '/api/usertoken/GetToken',
    );
    expect(getToken).toMatchObject({
      query: { userId: RELEASE.id, connectionName: CONNECTION, channelId: 'msteams' },
      authorization: `Bearer ${BOT_TOKEN}`,
    });
    expect(rig.tokenService.tokenService.signInStates.at(-1)).toMatchObject({
      connectionName: CONNECTION,
      msAppId: APP_ID,
      conversation: { conversation: { id: 'a:conv-magic' } },
    });
    const audit = await rig.t.app.store.queryAudit({ limit: 5 });
    expect(audit.find((a) => a.action === 'command:approve')).toMatchObject({
      outcome: 'refused',
      detail: expect.stringContaining('sign-in needed'),
    });
  });

  it('signin/verifyState with the magic code runs the waiting approve once, as the person', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-verify';
    rig.signOutEveryone();
    await rig.say(`approve ${runId} metrics fine`, conv);
    const token = userToken('magic');
    rig.tokenService.tokenService.magicCodes.set('424242', { userId: RELEASE.id, token });

    const before = rig.t.connector.calls.length;
    const res = await rig.invoke('signin/verifyState', { state: '424242' }, conv);
    expect(res.status).toBe(200);
    const [answer] = (await rig.t.connector.waitFor(before + 1)).slice(before);
    expect(JSON.stringify(cardOf(answer!))).toContain('Approved');

    const decided = (await rig.reader().getApproval(approvalId))!;
    expect(decided.status).toBe('approved');
    expect(decided.decidedBy).toMatch(/Rita Release|release\.manager/);
    expect(decided.comment).toBe('Approved via Teams: metrics fine');
    expect(rig.exchanged.at(-1)).toBe(token);

    // Teams retries, or a second device verifies: nothing runs again.
    rig.tokenService.tokenService.magicCodes.set('434343', { userId: RELEASE.id, token });
    const again = await rig.invoke('signin/verifyState', { state: '434343' }, conv);
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.t.connector.calls.length).toBe(before + 1);
    const audit = await rig.t.app.store.queryAudit({ limit: 50 });
    const approves = audit.filter((a) => a.action === 'approve' && a.runId === runId);
    expect(approves).toHaveLength(1);
    expect(approves[0]).toMatchObject({
      outcome: 'ok',
      detail: expect.stringContaining('(as the person)'),
    });
  });

  it('a wrong magic code is a 404 and the command keeps waiting', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-badcode';
    rig.signOutEveryone();
    await rig.say(`approve ${runId}`, conv);
    const res = await rig.invoke('signin/verifyState', { state: '000000' }, conv);
    expect(res.status).toBe(404);
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');
  });

  it('signin/tokenExchange: a refused SSO token is a 412 (Teams falls back to the button); a good one resumes once', async () => {
    const { runId, approvalId } = await rig.pendingApproval();
    const conv = 'a:conv-sso';
    rig.signOutEveryone();
    await rig.say(`approve ${runId}`, conv);

    const refused = await rig.invoke(
      'signin/tokenExchange',
      { id: 'exchange-1', connectionName: CONNECTION, token: 'teams-sso-token-not-consented' },
      conv,
    );
    expect(refused.status).toBe(412);
    expect(refused.body).toMatchObject({ id: 'exchange-1', connectionName: CONNECTION });
    expect((await rig.reader().getApproval(approvalId))!.status).toBe('pending');

    const sso = 'teams-sso-token-consented-1';
    rig.tokenService.tokenService.exchangeable.set(sso, {
      userId: RELEASE.id,
      token: userToken('sso'),
    });
    const before = rig.t.connector.calls.length;
    const ok = await rig.invoke(
      'signin/tokenExchange',
      { id: 'exchange-2', connectionName: CONNECTION, token: sso },
      conv,
    );
    expect(ok.status).toBe(200);
    await rig.t.connector.waitFor(before + 1);
    expect((await rig.reader().getApproval(approvalId))!.decidedBy).toMatch(/Rita Release/);
    const exchange = rig.tokenService.tokenService.calls.filter(
      (c) => c.path === '/api/usertoken/exchange',
    );
    expect(exchange.at(-1)).toMatchObject({
      query: { userId: RELEASE.id, connectionName: CONNECTION, channelId: 'msteams' },
      body: { token: sso },
    });

    // The same exchange from another device: acknowledged, nothing runs.
    const dup = await rig.invoke(
      'signin/tokenExchange',
      { id: 'exchange-2', connectionName: CONNECTION, token: sso },
      conv,
    );
    expect(dup.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.t.connector.calls.length).toBe(before + 1);
    // Nor does any token of these sign-ins reach the logs, the cards or the audit log.
    const everything = await rig.everythingWritten();
    for (const token of rig.tokensSeen()) expect(everything).not.toContain(token);
  });
});
