import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { blockKitProblems } from '../../src/slack/slack-limits';
import { startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from '../support/fake-slack-api';
import { interactionForm, slackSignature, slashCommandForm } from '../support/slack-signature';
import { startTestApp, type TestApp } from '../support/start-test-app';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const SECRET = '8f14e45fceea167a5a36dedd4bea2543';
const TOKEN = 'xoxb-1-2-e2etoken';
const FORM = 'application/x-www-form-urlencoded';
/** The lead (deploys prod), a release manager (approves prod), an ML engineer (approves nothing). */
const LEAD = { id: 'U0LEAD', name: 'Devon Lead', email: 'devops.lead@digitre.example' };
const RITA = { id: 'U0RITA', name: 'Rita Release', email: 'release.manager@digitre.example' };
const MO = { id: 'U0MO', name: 'Mo Engineer', email: 'ml.engineer@digitre.example' };
type Person = typeof LEAD;

describe('Slack end to end: the real app, real Bolt and @slack/web-api against a fake Slack, the emulator', () => {
  let emu: Emulator;
  let slack: FakeSlackApi;
  let t: TestApp;
  let seq = 0;

  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 15, seed: true, serviceIdentityIsApprover: true });
    slack = await startFakeSlackApi({
      token: TOKEN,
      users: Object.fromEntries([LEAD, RITA, MO].map((p) => [p.id, p])),
    });
    t = await startTestApp(
      {
        ADO_ORG_URL: emu.orgUrl,
        ADO_PROJECT: emu.project,
        ADO_PAT: emu.pat,
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
      },
      { outboxIntervalMs: 200 },
    );
    // Azure DevOps' service hooks, as local mode registers them: cards follow the run.
    emu.hooks.add({ url: `${t.app.url}/api/ado-events` });
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
    await emu.close();
  });
  afterEach(() => {
    // Every Block Kit payload we sent was within Slack's limits (the fake refuses others).
    for (const call of slack.calls.filter((c) => c.method.startsWith('chat.'))) {
      expect(blockKitProblems(call.args.blocks ?? [])).toEqual([]);
    }
  });

  const lastRunId = () => Math.max(0, ...emu.engine.runs().map((r) => r.id));
  const runsAfter = (id: number) => emu.engine.runs().filter((r) => r.id > id);
  const post = (body: string, headers: Record<string, string> = slackSignature(body, SECRET)) =>
    fetch(`${t.app.url}/slack/events`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': FORM, ...headers },
    });
  const text = (call: SlackApiCall) => JSON.stringify(call.args);

  async function waitForCall(
    method: string,
    match: (c: SlackApiCall) => boolean,
    timeoutMs = 10_000,
  ): Promise<SlackApiCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = slack.callsTo(method).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no ${method} call matched; got ${JSON.stringify(slack.callsTo(method))}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** `/digitre <text>` in a channel; resolves the trigger id and the form body (for retries). */
  async function command(commandText: string, channel: string, who: Person = LEAD) {
    const trigger = `trig.${++seq}`;
    const body = slashCommandForm({
      text: commandText,
      trigger_id: trigger,
      user_id: who.id,
      user_name: who.name,
      channel_id: channel,
      channel_name: 'ml-deploys',
    });
    const res = await post(body);
    expect(res.status).toBe(200);
    return { trigger, body };
  }

  /** The bot's answer in `channel` posted after `before` calls to chat.postMessage. */
  async function answer(channel: string, before: number, match: (c: SlackApiCall) => boolean) {
    return waitForCall(
      'chat.postMessage',
      (c) =>
        slack.callsTo('chat.postMessage').indexOf(c) >= before &&
        c.args.channel === channel &&
        match(c),
    );
  }

  /** A click on a button the bot posted (its action id and signed value as rendered). */
  function click(
    channel: string,
    ts: string,
    who: Person,
    button: { action_id: string; value: string },
  ) {
    return post(
      interactionForm({
        type: 'block_actions',
        trigger_id: `click.${++seq}`,
        team: { id: 'T0001', domain: 'digitre' },
        api_app_id: 'A0001',
        token: 'x',
        user: { id: who.id, username: who.name, name: who.name, team_id: 'T0001' },
        channel: { id: channel, name: 'ml-deploys' },
        container: { type: 'message', message_ts: ts, channel_id: channel },
        message: { type: 'message', ts, text: 'card' },
        response_url: 'https://hooks.slack.com/actions/T0001/2/def',
        actions: [{ type: 'button', block_id: 'b', action_ts: '1', ...button }],
      }),
    );
  }

  function buttonOf(call: SlackApiCall, actionId: string) {
    const blocks = (call.args.blocks ?? []) as {
      elements?: { action_id?: string; value?: string }[];
    }[];
    const b = blocks.flatMap((x) => x.elements ?? []).find((e) => e.action_id === actionId);
    if (!b?.value) throw new Error(`no ${actionId} button in ${text(call)}`);
    return { action_id: actionId, value: b.value };
  }

  it('`/digitre deploy custom-qa model v3` queues one run; its message is updated in place to Succeeded, through a 429', async () => {
    const before = lastRunId();
    const posted = slack.callsTo('chat.postMessage').length;
    // Slack rate-limits the first update: the publisher waits Retry-After and tries again.
    slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    await command('deploy custom-qa model v3', 'C0CQA', MO);
    const message = await answer('C0CQA', posted, (c) =>
      text(c).includes('[Manual]-[Custom-QA]-Deploy'),
    );
    const runs = runsAfter(before);
    expect(runs).toHaveLength(1);
    expect(JSON.stringify(runs[0])).toContain('"modelVersion":"3"');
    await emu.engine.waitFor(runs[0]!.id, (r) => r.status === 'completed', 10_000);
    const updates = () => slack.callsTo('chat.update').filter((c) => c.args.channel === 'C0CQA');
    const ts = slackTsOf(message);
    await waitForCall(
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
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0CQA' && text(c).includes('Custom-QA')),
    ).toHaveLength(1);
    // The audit log says which platform.
    const audit = await t.app.store.queryAudit();
    expect(JSON.stringify(audit)).toContain('(slack) deploy custom-qa model v3');
  }, 40_000);

  it('prod: Confirm and Approve are buttons; a non-approver gets an ephemeral refusal and decides nothing, an approver decides', async () => {
    const c = 'C0PROD';
    const before = lastRunId();
    let posted = slack.callsTo('chat.postMessage').length;
    await command('deploy prod model v3', c, LEAD);
    const ask = await answer(c, posted, (x) => text(x).includes('confirm.accept'));
    expect(runsAfter(before)).toHaveLength(0);
    const askMessageTs = slackTsOf(ask);
    expect((await click(c, askMessageTs, LEAD, buttonOf(ask, 'confirm.accept'))).status).toBe(200);
    await waitForCall('chat.update', (x) => x.args.channel === c && x.args.ts === askMessageTs);
    await until(() => runsAfter(before).length === 1);
    const runId = runsAfter(before)[0]!.id;
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 10_000);

    posted = slack.callsTo('chat.postMessage').length;
    await command(`status ${runId}`, c, RITA);
    const status = await answer(c, posted, (x) => text(x).includes('approval.approve'));
    const approve = buttonOf(status, 'approval.approve');
    const ephemerals = slack.callsTo('chat.postEphemeral').length;
    expect((await click(c, slackTsOf(status), MO, approve)).status).toBe(200);
    const refusal = await waitForCall(
      'chat.postEphemeral',
      (x) => slack.callsTo('chat.postEphemeral').indexOf(x) >= ephemerals && x.args.user === MO.id,
    );
    expect(text(refusal)).toContain('Not allowed');
    expect(emu.engine.pendingApprovals(runId)).toHaveLength(1);

    expect((await click(c, slackTsOf(status), RITA, approve)).status).toBe(200);
    await until(() => emu.engine.pendingApprovals(runId).length === 0);
    await waitForCall(
      'chat.update',
      (x) =>
        x.args.channel === c && x.args.ts === slackTsOf(status) && text(x).includes('Rita Release'),
    );
    const done = await emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    expect(JSON.stringify(done)).toContain('succeeded');
  }, 60_000);

  it('`subscribe` in a Slack channel hears about runs asked elsewhere; the requester gets a DM when a run ends', async () => {
    let posted = slack.callsTo('chat.postMessage').length;
    await command('subscribe qa completed', 'C0SUB', MO);
    await answer('C0SUB', posted, (x) => text(x).includes('Subscribed'));
    posted = slack.callsTo('chat.postMessage').length;
    const before = lastRunId();
    await command('deploy qa model v2', 'C0ASK', MO);
    await answer('C0ASK', posted, (x) => text(x).includes('[QA]-Deploy'));
    const runId = runsAfter(before)[0]!.id;
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    // The channel hears through Slack, in Block Kit, about the run it subscribed to.
    await answer(
      'C0SUB',
      posted,
      (x) => text(x).includes(`#${runId}`) || text(x).includes('[QA]-Deploy'),
    );
    // Mo asked in a channel: the end of the run reaches Mo's DM (conversations.open).
    await waitForCall('conversations.open', (x) => x.args.users === MO.id);
    await answer(`D${MO.id}`, posted, (x) => text(x).includes('[QA]-Deploy'));
  }, 40_000);

  it('a mention in a channel and a DM to the app run commands too', async () => {
    const event = (eventId: string, e: Record<string, unknown>) => {
      const body = JSON.stringify({
        token: 'x',
        team_id: 'T0001',
        api_app_id: 'A0001',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event: { ts: '1700000100.000100', event_ts: '1700000100.000100', ...e },
      });
      return fetch(`${t.app.url}/slack/events`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', ...slackSignature(body, SECRET) },
      });
    };
    const posted = slack.callsTo('chat.postMessage').length;
    const before = lastRunId();
    const mention = await event('Ev0MENTION', {
      type: 'app_mention',
      user: MO.id,
      text: '<@UBOT> deploy dev model v2',
      channel: 'C0MENTION',
    });
    expect(mention.status).toBe(200);
    await answer('C0MENTION', posted, (x) => text(x).includes('[DEV]-Build_and_Deploy'));
    expect(runsAfter(before)).toHaveLength(1);
    const dm = await event('Ev0DM', {
      type: 'message',
      channel_type: 'im',
      user: MO.id,
      text: 'help',
      channel: 'D0MODM',
    });
    expect(dm.status).toBe(200);
    await answer('D0MODM', posted, (x) => text(x).includes('deploy'));
  });

  it('forged or stale signatures get 401 and queue nothing', async () => {
    const before = lastRunId();
    const body = slashCommandForm({
      text: 'deploy qa model v2',
      trigger_id: `forged.${++seq}`,
      channel_id: 'C0SIG',
    });
    expect((await post(body, slackSignature(body, 'ab'.repeat(16)))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await post(body, slackSignature(body, SECRET, stale))).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(runsAfter(before)).toHaveLength(0);
    expect(slack.calls.filter((x) => x.args.channel === 'C0SIG')).toHaveLength(0);
  });

  it('a Slack retry (X-Slack-Retry-Num) of the same command queues nothing twice', async () => {
    const before = lastRunId();
    const posted = slack.callsTo('chat.postMessage').length;
    const { body } = await command('deploy qa model v2', 'C0RETRY', MO);
    const retry = await post(body, {
      ...slackSignature(body, SECRET),
      'X-Slack-Retry-Num': '1',
      'X-Slack-Retry-Reason': 'http_timeout',
    });
    expect(retry.status).toBe(200);
    await answer('C0RETRY', posted, (x) => text(x).includes('[QA]-Deploy'));
    await new Promise((r) => setTimeout(r, 500));
    expect(runsAfter(before)).toHaveLength(1);
  });
});

/** The `ts` the fake gave a posted message (it numbers them in order of posting). */
function slackTsOf(call: SlackApiCall): string {
  const ts = call.result?.ts;
  if (typeof ts !== 'string') throw new Error(`no ts for ${JSON.stringify(call)}`);
  return ts;
}

async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
