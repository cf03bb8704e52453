import { randomUUID } from 'node:crypto';
import { getConversation } from '../../src/conversations/get-conversation';
import { listSubscriptions } from '../../src/subscriptions/list-subscriptions';
import { cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

const OURS = '8f2a51c4-6b1e-4d2a-9c33-0d4e5f6a7b8c';
const THEIRS = 'e0e0e0e0-1111-4222-8333-444455556666';

/**
 * The tenant boundary through the real server: a Teams app can be installed by any
 * organization, and Teams names the sender's tenant in `channelData.tenant.id` and
 * `conversation.tenantId`. With `CHATOPS_ALLOWED_TENANTS`, anyone else gets one clear refusal
 * and an audit record; nothing is read from Azure DevOps, stored or subscribed.
 */
describe('tenant boundary (CHATOPS_ALLOWED_TENANTS)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CHATOPS_ALLOWED_TENANTS: `  ${OURS.toUpperCase()} , ` });
  });
  afterAll(async () => {
    await t?.close();
  });

  const tenantData = (id: string) => ({ tenant: { id } });

  /** Sends `text` from another tenant's chat; returns the one answer's JSON. */
  async function sayFrom(
    text: string,
    channelData: Record<string, unknown>,
    conversation: Record<string, unknown> = {},
  ) {
    const conversationId = `a:foreign-${randomUUID()}`;
    const base = messageActivity(text, {
      serviceUrl: t.connector.url,
      conversationId,
      channelData,
    });
    const activity = {
      ...base,
      conversation: { ...(base.conversation as object), ...conversation },
    };
    const res = await postActivity(t.app.url, activity);
    expect(res.status).toBe(200);
    const [answer] = await t.connector.waitFor(1, (c) => c.conversationId === conversationId);
    return { conversationId, json: JSON.stringify(answer!.activity) };
  }

  it.each([
    ['status'],
    ['locks'],
    ['subscribe prod'],
    ['deploy qa'],
    ['lock qa mine now'],
    ['runs'],
  ])(
    'refuses `%s` from another tenant: one refusal, nothing read, stored or queued',
    async (text) => {
      const adoCalls = t.app.emulator!.requestLog.count();
      const runs = t.app.emulator!.engine.runs().length;
      const { conversationId, json } = await sayFrom(text, tenantData(THEIRS));
      expect(json).toContain('Not available to you');
      expect(json).toContain('yours is not one of them');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(t.connector.calls.filter((c) => c.conversationId === conversationId)).toHaveLength(1);
      expect(t.app.emulator!.requestLog.count()).toBe(adoCalls);
      expect(t.app.emulator!.engine.runs().length).toBe(runs);
      expect(await listSubscriptions(t.app.store, conversationId)).toEqual([]);
      expect(await getConversation(t.app.store, conversationId)).toBeUndefined();
      const [record] = (await t.app.store.queryAudit({ limit: 500 })).filter(
        (r) => r.conversationId === conversationId,
      );
      expect(record).toMatchObject({
        action: 'tenant:message',
        outcome: 'refused',
        detail: `tenant not allowed (${THEIRS})`,
      });
      const locks = await sayFrom('locks', tenantData(OURS));
      expect(locks.json).not.toContain('mine now');
    },
  );

  it('refuses an activity that names no tenant, and one whose two tenant fields disagree', async () => {
    expect((await sayFrom('status', {})).json).toContain('Not available to you');
    const mixed = await sayFrom('status', tenantData(OURS), { tenantId: THEIRS });
    expect(mixed.json).toContain('Not available to you');
    const audit = await t.app.store.queryAudit({ limit: 500 });
    expect(audit.find((r) => r.conversationId === mixed.conversationId)?.detail).toBe(
      `tenants disagree (${OURS})`,
    );
  });

  it('refuses a card click from another tenant with 403 before reading the card', async () => {
    const conversationId = `a:foreign-card-${randomUUID()}`;
    const click = cardActionActivity(
      'approval.decide',
      { approvalId: 'x', decision: 'approve' },
      { serviceUrl: t.connector.url, conversationId, channelData: tenantData(THEIRS) },
    );
    const res = await postActivity(t.app.url, click);
    expect(res.body).toMatchObject({
      statusCode: 403,
      type: 'application/vnd.microsoft.error',
      value: { message: expect.stringContaining('yours is not one of them') as unknown },
    });
    const audit = await t.app.store.queryAudit({ limit: 500 });
    expect(audit.find((r) => r.conversationId === conversationId)).toMatchObject({
      action: 'tenant:card',
      outcome: 'refused',
    });
  });

  it('does not remember a conversation another tenant installs the bot in', async () => {
    const conversationId = `19:foreign-team-${randomUUID()}@thread.tacv2`;
    const install = {
      ...messageActivity('', {
        serviceUrl: t.connector.url,
        conversationId,
        conversationType: 'channel',
        channelData: { ...tenantData(THEIRS), eventType: 'teamMemberAdded', team: { id: '19:t' } },
      }),
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: [{ id: '28:digitre-bot', name: 'DigitRE' }],
    };
    expect((await postActivity(t.app.url, install)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await getConversation(t.app.store, conversationId)).toBeUndefined();
    expect(t.connector.calls.filter((c) => c.conversationId === conversationId)).toEqual([]);
  });

  it('serves its own tenant (compared case-insensitively), from either tenant field', async () => {
    const viaChannelData = await sayFrom('help', tenantData(OURS));
    expect(viaChannelData.json).not.toContain('Not available to you');
    const viaConversation = await sayFrom('help', {}, { tenantId: OURS.toUpperCase() });
    expect(viaConversation.json).not.toContain('Not available to you');
    expect(await getConversation(t.app.store, viaChannelData.conversationId)).toBeDefined();
  });
});
