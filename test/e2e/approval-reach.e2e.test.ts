import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { cardOf, executeActions, runCardRunId, text } from '../support/card-inspection';
import type { ConnectorCall } from '../support/fake-connector';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * Issue 16, "Who and why": a pending prod approval's card reaches the requester's own chat (who
 * it waits for; no buttons, since prod refuses self-approval) and, before a notifications
 * channel exists, each other approver's personal chat with the buttons. Production roles, the
 * real app (CloudAdapter), the fake Bot Connector and the emulator over HTTP.
 */

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

type Person = { id: string; name: string; aadObjectId?: string; userPrincipalName?: string };
/** Prod's other approver (Alex, devops.lead@, is one too, and asks for the runs). */
const RITA: Person = {
  id: '29:release-mgr',
  name: 'Rita Release',
  aadObjectId: '00000000-0000-0000-0000-0000000000b2',
  userPrincipalName: 'release.manager@digitre.example',
};
const OPS = '19:reach-ops@thread.tacv2';
const SECRET = 'approval-reach-webhook-secret';

describe('approval cards reach the requester and the approvers (production roles, emulator)', () => {
  let emu: Emulator;
  let t: TestApp;
  let hook = '';
  let n = 0;

  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 15, serviceIdentityIsApprover: true });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    t = await startTestApp({
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: emu.pat,
      // Service hooks on, as in production: Azure DevOps (the emulator) calls the bot.
      CHATOPS_PUBLIC_URL: 'https://chatops.digitre.example',
      ADO_WEBHOOK_SECRET: SECRET,
    });
    hook = emu.hooks.add({
      url: `${t.app.url}/api/ado-events`,
      basicAuth: { username: 'ado', password: SECRET },
    });
    // Teams does not put the UPN on activities; the bot looks members up once.
    t.connector.members.set(RITA.id, { ...RITA });
  });
  afterEach(async () => {
    emu.hooks.remove(hook);
    await t.close();
  });

  const kind = (conversationId: string) =>
    conversationId.startsWith('19:') ? ('channel' as const) : ('personal' as const);
  const posts = (conversationId: string) =>
    t.connector.calls.filter((c) => c.conversationId === conversationId && c.method === 'POST');

  /** Says `text` in a chat and resolves the bot's answer there. */
  async function say(text: string, conversationId: string, from: Person = ALEX) {
    const before = posts(conversationId).length;
    const activity = messageActivity(text, {
      serviceUrl: t.connector.url,
      conversationId,
      conversationType: kind(conversationId),
      from,
    });
    expect((await postActivity(t.app.url, activity)).status).toBe(200);
    return (await t.connector.waitFor(before + 1, (c) => posts(conversationId).includes(c)))[
      before
    ]!;
  }

  async function click(
    verb: string,
    data: Record<string, unknown>,
    conversationId: string,
    replyToId: string,
    from: Person,
  ) {
    const activity = {
      ...cardActionActivity(verb, data, {
        serviceUrl: t.connector.url,
        conversationId,
        conversationType: kind(conversationId),
        from,
      }),
      replyToId,
    };
    return postActivity(t.app.url, activity);
  }

  /** `deploy prod` in Alex's personal chat, confirmed: the run id. */
  async function deployProd(chat: string): Promise<number> {
    const ask = await say('deploy prod model v3', chat);
    const confirm = executeActions(cardOf(ask)).find((a) => a.verb === 'confirm.accept')!;
    expect((await click('confirm.accept', confirm.data, chat, ask.id, ALEX)).status).toBe(200);
    const runId = Math.max(...emu.engine.runs().map((r) => r.id));
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 10_000);
    return runId;
  }

  /** The approval card of run `runId` posted in a chat. */
  async function approvalCardIn(chat: string, runId: number): Promise<ConnectorCall> {
    const found = await t.connector.waitFor(
      1,
      (c) =>
        c.conversationId === chat &&
        c.method === 'POST' &&
        text(c).includes('"Waiting for approval: Production"') &&
        text(c).includes(`buildId=${runId}`),
      15_000,
    );
    return found[0]!;
  }

  const updatedTo = (card: ConnectorCall, what: string) =>
    t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === card.id && text(c).includes(what),
      15_000,
    );

  it('(a) the requester’s personal chat shows the run card and whom the approval waits for, then who approved', async () => {
    await setDefaultNotificationChannel(t.app.store, OPS);
    await say('hello', OPS, RITA); // the bot knows the channel (and Rita) from a message there
    const chat = `a:alex-${++n}`;
    const runId = await deployProd(chat);

    const mine = await approvalCardIn(chat, runId);
    expect(text(mine)).toMatch(/Waiting for approval by [^"]*\S/);
    // Prod refuses self-approval: Alex, an approver, gets no buttons on his own run.
    expect(executeActions(cardOf(mine)).map((a) => a.verb)).not.toContain('approval.approve');
    // Its run card is there too (the answer to Confirm), kept live.
    expect(posts(chat).filter((c) => runCardRunId(c) === runId)).toHaveLength(1);

    // Rita sees the channel's card; her client asks for her view, she approves there.
    const shared = await approvalCardIn(OPS, runId);
    const refresh = executeActions(cardOf(shared)).find((a) => a.verb === 'card.refresh')!;
    const view = await click('card.refresh', refresh.data, OPS, shared.id, RITA);
    const approve = executeActions(view.body).find((a) => a.verb === 'approval.approve')!;
    const res = await click('approval.approve', approve.data, OPS, shared.id, RITA);
    expect(JSON.stringify(res.body)).toContain('Rita Release');

    const [updated] = await updatedTo(mine, 'Approved by Rita Release');
    expect(executeActions(cardOf(updated!)).map((a) => a.verb)).not.toContain('approval.approve');
    // One approval card in Alex's chat, however many events named it.
    expect(
      posts(chat).filter((c) => text(c).includes('Waiting for approval: Production')),
    ).toHaveLength(1);
  });

  it('(b) no notifications channel: the other approver gets the card with its buttons in her personal chat, and approves there', async () => {
    const ritaChat = `a:rita-${++n}`;
    await say('whoami', ritaChat, RITA); // Rita has a personal chat with the bot
    const chat = `a:alex-${++n}`;
    const runId = await deployProd(chat);

    const hers = await approvalCardIn(ritaChat, runId);
    const verbs = executeActions(cardOf(hers)).map((a) => a.verb);
    expect(verbs).toEqual(expect.arrayContaining(['approval.approve', 'approval.reject']));
    // Alex's own chat: the viewer view, not the approver's.
    const mine = await approvalCardIn(chat, runId);
    expect(executeActions(cardOf(mine)).map((a) => a.verb)).not.toContain('approval.approve');

    const approve = executeActions(cardOf(hers)).find((a) => a.verb === 'approval.approve')!;
    const res = await click(
      'approval.approve',
      { ...approve.data, comment: 'ok' },
      ritaChat,
      hers.id,
      RITA,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Approved');
    await updatedTo(hers, 'Approved by Rita Release');
    await updatedTo(mine, 'Approved by Rita Release');
    expect(emu.engine.pendingApprovals(runId)).toHaveLength(0);
  });
});
