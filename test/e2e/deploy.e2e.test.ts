import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { cardOf, executeActions } from '../support/card-inspection';
import { startTestApp, type TestApp } from '../support/start-test-app';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

/** A prod approver who is not the lead, and an ML engineer who approves nothing. */
type Person = { id: string; name: string; aadObjectId?: string; userPrincipalName?: string };
const RELEASE = {
  id: '29:release-mgr',
  name: 'Rita Release',
  aadObjectId: '00000000-0000-0000-0000-0000000000b2',
};
const ENGINEER = {
  id: '29:ml-eng',
  name: 'Mo Engineer',
  aadObjectId: '00000000-0000-0000-0000-0000000000c3',
};
const UPN: Record<string, string> = {
  [RELEASE.id]: 'release.manager@digitre.example',
  [ENGINEER.id]: 'ml.engineer@digitre.example',
};

describe('deploys, confirmations and approvals end to end (production roles, emulator over HTTP)', () => {
  let emu: Emulator;
  let t: TestApp;
  const conv = (n: string) => `19:${n}@thread.tacv2`;

  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 15, seed: true, serviceIdentityIsApprover: true });
    t = await startTestApp({ ADO_ORG_URL: emu.orgUrl, ADO_PROJECT: emu.project, ADO_PAT: emu.pat });
    // Teams does not put the UPN on activities; the bot looks members up once.
    for (const p of [RELEASE, ENGINEER]) {
      t.connector.members.set(p.id, {
        id: p.id,
        name: p.name,
        aadObjectId: p.aadObjectId,
        userPrincipalName: UPN[p.id],
      });
    }
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  const lastRunId = () => Math.max(0, ...emu.engine.runs().map((r) => r.id));
  const runsAfter = (id: number) => emu.engine.runs().filter((r) => r.id > id);

  async function say(text: string, conversationId: string, from: Person = ALEX) {
    const activity = messageActivity(text, {
      serviceUrl: t.connector.url,
      conversationId,
      conversationType: 'channel',
      from,
    });
    const before = t.connector.calls.filter((c) => c.conversationId === conversationId).length;
    const res = await postActivity(t.app.url, activity);
    expect(res.status).toBe(200);
    const calls = await t.connector.waitFor(before + 1, (c) => c.conversationId === conversationId);
    return calls[before]!;
  }

  async function click(
    verb: string,
    data: Record<string, unknown>,
    conversationId: string,
    replyToId: string,
    from: Person = ALEX,
  ) {
    const activity = {
      ...cardActionActivity(verb, data, {
        serviceUrl: t.connector.url,
        conversationId,
        conversationType: 'channel',
        from,
      }),
      replyToId,
    };
    return postActivity(t.app.url, activity);
  }

  it('`deploy custom-qa model v3` queues exactly one Custom-QA run with modelVersion "3"', async () => {
    const before = lastRunId();
    const reply = await say('deploy custom-qa model v3', conv('cqa'));
    const text = JSON.stringify(cardOf(reply));
    expect(text).toContain('[Manual]-[Custom-QA]-Deploy');
    const runs = runsAfter(before);
    expect(runs).toHaveLength(1);
    expect(JSON.stringify(runs[0])).toContain('"modelVersion":"3"');
    expect(runs[0]!.definitionId).toBe(emu.pipelineId('custom-qa'));
  });

  it('a deploy whose queue call is cut off after Azure DevOps created the run queues exactly once', async () => {
    const before = lastRunId();
    // The service queues the run, then the connection drops before the answer reaches the bot.
    emu.faults.add({ method: 'POST', path: /\/runs/i, afterResponse: true, drop: true, times: 1 });
    const reply = await say('deploy qa model v2', conv('qa-retry'));
    expect(JSON.stringify(cardOf(reply))).toContain('[QA]-Deploy');
    const runs = runsAfter(before);
    expect(runs).toHaveLength(1);
    // Found again through its runtime parameter: no queue-time variable, nothing to tick in the UI.
    expect(runs[0]!.templateParameters).toMatchObject({
      modelVersion: '2',
      chatopsRequestId: expect.stringMatching(/\S/),
    });
    expect(runs[0]!.variables).toEqual({});
    expect(emu.requestLog.count({ method: 'POST', path: /\/runs/i })).toBeGreaterThanOrEqual(1);
  });

  it('`deploy prod model v3` asks to confirm, queues on Confirm, and `approve prod` lets the run finish', async () => {
    const c = conv('prod');
    const before = lastRunId();
    const ask = await say('deploy prod model v3', c);
    expect(JSON.stringify(cardOf(ask))).toContain('Deploy model v3 to Production?');
    expect(runsAfter(before)).toHaveLength(0);
    const confirm = executeActions(cardOf(ask)).find((a) => a.verb === 'confirm.accept')!;
    expect(confirm.data.token).toEqual(expect.any(String));

    // A forged token and an unknown verb are refused, and nothing is queued.
    expect(
      (await click('confirm.accept', { ...confirm.data, token: 'x'.repeat(32) }, c, ask.id)).status,
    ).toBe(403);
    expect((await click('deploy.everything', confirm.data, c, ask.id)).status).toBe(400);
    // Someone else cannot confirm Alex's deploy.
    expect((await click('confirm.accept', confirm.data, c, ask.id, RELEASE)).status).toBe(403);
    expect(runsAfter(before)).toHaveLength(0);

    const res = await click('confirm.accept', confirm.data, c, ask.id);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Confirmed');
    await t.connector.waitFor(
      1,
      (x) => x.conversationId === c && x.method === 'PUT' && x.id === ask.id,
    );
    const runs = runsAfter(before);
    expect(runs).toHaveLength(1);
    // A second click (double click, retry) queues nothing more.
    const again = await click('confirm.accept', confirm.data, c, ask.id);
    expect(again.status).toBe(200);
    expect(runsAfter(before)).toHaveLength(1);

    const runId = runs[0]!.id;
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 10_000);
    // Alex started it and prod forbids self-approval; Mo is no approver; Rita approves.
    expect(JSON.stringify(cardOf(await say('approve prod', c)))).toContain(
      'does not allow approving your own run',
    );
    expect(JSON.stringify(cardOf(await say('approve prod', c, ENGINEER)))).toContain('Not allowed');
    const approved = await say('approve prod QA looks good', c, RELEASE);
    expect(JSON.stringify(cardOf(approved))).toContain('Approved');
    const done = await emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    expect(JSON.stringify(done)).toContain('succeeded');
    expect(
      JSON.stringify(emu.engine.approvals().find((a) => JSON.stringify(a).includes(String(runId)))),
    ).toContain('Approved by Rita Release via Teams: QA looks good');
  });

  it('an Approve click records the decision, updates the card for everyone, and a second click says who decided', async () => {
    const c = conv('click');
    const before = lastRunId();
    const ask = await say('deploy prod', c);
    const confirm = executeActions(cardOf(ask)).find((a) => a.verb === 'confirm.accept')!;
    await click('confirm.accept', confirm.data, c, ask.id);
    const runId = runsAfter(before)[0]!.id;
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 10_000);

    const status = await say(`status ${runId}`, c, RELEASE);
    const approve = executeActions(cardOf(status)).find((a) => a.verb === 'approval.approve');
    expect(approve).toBeDefined();
    // The ML engineer clicks: refused with who can, and audited.
    const refused = await click(
      'approval.approve',
      { ...approve!.data, comment: 'me too' },
      c,
      status.id,
      ENGINEER,
    );
    expect(refused.status).toBe(200);
    expect(JSON.stringify(refused.body)).toContain('Not allowed');
    expect(emu.engine.pendingApprovals(runId)).toHaveLength(1);

    const res = await click(
      'approval.approve',
      { ...approve!.data, comment: 'ship it' },
      c,
      status.id,
      RELEASE,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Rita Release');
    await t.connector.waitFor(
      1,
      (x) => x.conversationId === c && x.method === 'PUT' && x.id === status.id,
    );
    expect(emu.engine.pendingApprovals(runId)).toHaveLength(0);

    const second = await click(
      'approval.approve',
      { ...approve!.data, comment: 'again' },
      c,
      status.id,
      RELEASE,
    );
    expect(JSON.stringify(second.body)).toMatch(
      /already approved by .*Rita Release|Already approved/i,
    );

    const audit = await t.app.store.queryAudit({ limit: 50 });
    expect(
      audit.some(
        (a) => a.actor.name === 'Mo Engineer' && a.outcome === 'refused' && a.action === 'approve',
      ),
    ).toBe(true);
    expect(
      audit.some(
        (a) =>
          a.actor.name === 'Rita Release' &&
          a.outcome === 'ok' &&
          a.action === 'approve' &&
          a.runId === runId,
      ),
    ).toBe(true);
  });
});
