import {
  buttonOf,
  LEAD,
  MO,
  openedView,
  RITA,
  slackTsOf,
  text,
  until,
  useSlackApp,
} from '../slack/slack-app-rig';

describe('Slack end to end, deploys: the real app, real Bolt and @slack/web-api against a fake Slack, the emulator', () => {
  const s = useSlackApp();

  it('`/digitre deploy custom-qa model v3` queues one run; its message is updated in place to Succeeded, through a 429', async () => {
    const before = s.lastRunId();
    const posted = s.slack.callsTo('chat.postMessage').length;
    // Slack rate-limits the first update: the publisher waits Retry-After and tries again.
    s.slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    await s.command('deploy custom-qa model v3', 'C0CQA', MO);
    const message = await s.answer('C0CQA', posted, (c) =>
      text(c).includes('[Manual]-[Custom-QA]-Deploy'),
    );
    const runs = s.runsAfter(before);
    expect(runs).toHaveLength(1);
    expect(JSON.stringify(runs[0])).toContain('"modelVersion":"3"');
    await s.emu.engine.waitFor(runs[0]!.id, (r) => r.status === 'completed', 10_000);
    const updates = () => s.slack.callsTo('chat.update').filter((c) => c.args.channel === 'C0CQA');
    const ts = slackTsOf(message);
    await s.waitForCall(
      'chat.update',
      (c) =>
        c.args.channel === 'C0CQA' &&
        c.result?.ok === true &&
        String(c.args.text).includes(': Succeeded'),
      15_000,
    );
    // One message for the run: every state replaced it (same ts), none was posted anew.
    expect(updates().length).toBeGreaterThanOrEqual(2); // the 429'd one, then the one that took
    expect(new Set(updates().map((c) => c.args.ts))).toEqual(new Set([ts]));
    expect(
      s.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0CQA' && text(c).includes('Custom-QA')),
    ).toHaveLength(1);
    // The audit log says which platform.
    const audit = await s.t.app.store.queryAudit();
    expect(JSON.stringify(audit)).toContain('(slack) deploy custom-qa model v3');
  }, 40_000);

  it('prod: Confirm and Approve are buttons; a non-approver gets an ephemeral refusal and decides nothing, an approver decides', async () => {
    const c = 'C0PROD';
    const before = s.lastRunId();
    let posted = s.slack.callsTo('chat.postMessage').length;
    await s.command('deploy prod model v3', c, LEAD);
    const ask = await s.answer(c, posted, (x) => text(x).includes('confirm.accept'));
    expect(s.runsAfter(before)).toHaveLength(0);
    const askMessageTs = slackTsOf(ask);
    expect((await s.click(c, askMessageTs, LEAD, buttonOf(ask, 'confirm.accept'))).status).toBe(
      200,
    );
    await s.waitForCall('chat.update', (x) => x.args.channel === c && x.args.ts === askMessageTs);
    await until(() => s.runsAfter(before).length === 1);
    const runId = s.runsAfter(before)[0]!.id;
    await s.emu.engine.waitFor(
      runId,
      () => s.emu.engine.pendingApprovals(runId).length === 1,
      10_000,
    );

    posted = s.slack.callsTo('chat.postMessage').length;
    await s.command(`status ${runId}`, c, RITA);
    const status = await s.answer(c, posted, (x) => text(x).includes('approval.approve'));
    const approve = buttonOf(status, 'approval.approve');
    const ephemerals = s.slack.callsTo('chat.postEphemeral').length;
    expect((await s.click(c, slackTsOf(status), MO, approve)).status).toBe(200);
    const refusal = await s.waitForCall(
      'chat.postEphemeral',
      (x) =>
        s.slack.callsTo('chat.postEphemeral').indexOf(x) >= ephemerals && x.args.user === MO.id,
    );
    expect(text(refusal)).toContain('Not allowed');
    expect(s.emu.engine.pendingApprovals(runId)).toHaveLength(1);

    // Mo was refused without a modal: only approvers are asked for a comment.
    expect(s.slack.callsTo('views.open')).toHaveLength(0);

    // Rita's click opens the modal for her comment; the submission decides.
    expect((await s.click(c, slackTsOf(status), RITA, approve)).status).toBe(200);
    const opened = await s.waitForCall('views.open', () => true);
    expect(opened.args.trigger_id).toMatch(/^click\./);
    expect(openedView(opened).title).toEqual({ type: 'plain_text', text: 'Approve prod' });
    expect(s.emu.engine.pendingApprovals(runId)).toHaveLength(1);
    const ack = await s.submit(opened, RITA, '');
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe('');
    await until(() => s.emu.engine.pendingApprovals(runId).length === 0);
    await s.waitForCall(
      'chat.update',
      (x) =>
        x.args.channel === c && x.args.ts === slackTsOf(status) && text(x).includes('Rita Release'),
    );
    const done = await s.emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    expect(JSON.stringify(done)).toContain('succeeded');
  }, 60_000);

  it('Reject opens a modal: an empty reason is refused in the modal, a forged one decides nothing, the reason rejects and updates the message', async () => {
    const c = 'C0REJ';
    const before = s.lastRunId();
    let posted = s.slack.callsTo('chat.postMessage').length;
    await s.command('deploy prod model v3', c, LEAD);
    const ask = await s.answer(c, posted, (x) => text(x).includes('confirm.accept'));
    await s.click(c, slackTsOf(ask), LEAD, buttonOf(ask, 'confirm.accept'));
    await until(() => s.runsAfter(before).length === 1);
    const run = s.runsAfter(before)[0]!;
    const runId = run.id;
    await s.emu.engine.waitFor(
      runId,
      () => s.emu.engine.pendingApprovals(runId).length === 1,
      10_000,
    );
    posted = s.slack.callsTo('chat.postMessage').length;
    await s.command(`status ${runId}`, c, RITA);
    const status = await s.answer(c, posted, (x) => text(x).includes('approval.reject'));
    const opens = s.slack.callsTo('views.open').length;
    expect(
      (await s.click(c, slackTsOf(status), RITA, buttonOf(status, 'approval.reject'))).status,
    ).toBe(200);
    const opened = await s.waitForCall(
      'views.open',
      (x) => s.slack.callsTo('views.open').indexOf(x) >= opens,
    );
    expect(opened.result?.ok).toBe(true);
    const view = openedView(opened);
    expect(view.title).toEqual({ type: 'plain_text', text: 'Reject prod' });
    expect(JSON.stringify(view.blocks)).toContain(`#${runId}`);
    expect(JSON.stringify(view.blocks)).toContain('model v3');

    // No reason: the modal stays open with the error on the input, and nothing is decided.
    const empty = await s.submit(opened, RITA, '   ');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({
      response_action: 'errors',
      errors: { decision: 'Say why you reject it' },
    });
    // A forged token in the metadata: refused like a forged click.
    const meta = JSON.parse(view.private_metadata) as { value: string };
    const forgedValue = JSON.stringify({ ...JSON.parse(meta.value), token: 'forged' });
    const forged = await s.submit(opened, RITA, 'forged', {
      viewId: 'VFORGED',
      metadata: JSON.stringify({ ...meta, value: forgedValue }),
    });
    expect(forged.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.emu.engine.pendingApprovals(runId)).toHaveLength(1);

    expect((await s.submit(opened, RITA, 'metrics regressed on the holdout set')).status).toBe(200);
    await until(() => s.emu.engine.pendingApprovals(runId).length === 0);
    const decided = s.emu.engine.approvals().find((a) => a.runId === runId);
    expect(JSON.stringify(decided)).toContain(
      'Rejected by Rita Release via Slack: metrics regressed on the holdout set',
    );
    await s.waitForCall(
      'chat.update',
      (x) =>
        x.args.channel === c && x.args.ts === slackTsOf(status) && text(x).includes('Rita Release'),
    );
    // The run card's update (notifications: "Rejected by Rita Release: …") can come before the
    // submission's audit entries (the decision's and the click's): wait for them, then count.
    const rejected = (entries: { action: string; outcome?: string }[]) =>
      entries.some((a) => a.action === 'card:approval.reject' && a.outcome === 'ok');
    let audit = await s.t.app.store.queryAudit();
    for (let i = 0; i < 200 && !rejected(audit); i++) {
      await new Promise((r) => setTimeout(r, 25));
      audit = await s.t.app.store.queryAudit();
    }
    expect(rejected(audit)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    audit = await s.t.app.store.queryAudit();

    // Slack retries the submission: the view id was handled, nothing happens again.
    const ephemerals = s.slack.callsTo('chat.postEphemeral').length;
    expect((await s.submit(opened, RITA, 'metrics regressed on the holdout set')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.slack.callsTo('chat.postEphemeral').length).toBe(ephemerals);
    expect((await s.t.app.store.queryAudit()).length).toBe(audit.length);
  }, 60_000);

  it('typed `approve prod`: refused for the requester (no self-approval), decides for an approver', async () => {
    const c = 'C0TYPED';
    const before = s.lastRunId();
    let posted = s.slack.callsTo('chat.postMessage').length;
    await s.command('deploy prod model v3', c, LEAD);
    const ask = await s.answer(c, posted, (x) => text(x).includes('confirm.accept'));
    await s.click(c, slackTsOf(ask), LEAD, buttonOf(ask, 'confirm.accept'));
    await until(() => s.runsAfter(before).length === 1);
    const runId = s.runsAfter(before)[0]!.id;
    await s.emu.engine.waitFor(
      runId,
      () => s.emu.engine.pendingApprovals(runId).length === 1,
      10_000,
    );
    posted = s.slack.callsTo('chat.postMessage').length;
    await s.command('approve prod', c, LEAD);
    await s.answer(c, posted, (x) => text(x).includes('does not allow approving your own run'));
    expect(s.emu.engine.pendingApprovals(runId)).toHaveLength(1);
    await s.command('approve prod looks good', c, RITA);
    await until(() => s.emu.engine.pendingApprovals(runId).length === 0);
    const done = await s.emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    expect(JSON.stringify(done)).toContain('succeeded');
  }, 40_000);

  it('`subscribe` in a Slack channel hears about runs asked elsewhere; the requester gets a DM when a run ends', async () => {
    let posted = s.slack.callsTo('chat.postMessage').length;
    await s.command('subscribe qa completed', 'C0SUB', MO);
    await s.answer('C0SUB', posted, (x) => text(x).includes('Subscribed'));
    posted = s.slack.callsTo('chat.postMessage').length;
    const before = s.lastRunId();
    await s.command('deploy qa model v2', 'C0ASK', MO);
    await s.answer('C0ASK', posted, (x) => text(x).includes('[QA]-Deploy'));
    const runId = s.runsAfter(before)[0]!.id;
    await s.emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    // The channel hears through Slack, in Block Kit, about the run it subscribed to.
    await s.answer(
      'C0SUB',
      posted,
      (x) => text(x).includes(`#${runId}`) || text(x).includes('[QA]-Deploy'),
    );
    // Mo asked in a channel: the end of the run reaches Mo's DM (conversations.open).
    await s.waitForCall('conversations.open', (x) => x.args.users === MO.id);
    await s.answer(`D${MO.id}`, posted, (x) => text(x).includes('[QA]-Deploy'));
  }, 40_000);
});
