import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { blockKitProblems } from '../../src/slack/slack-limits';
import { startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from '../support/fake-slack-api';
import { interactionForm, slackSignature, slashCommandForm } from '../support/slack-signature';
import { startTestApp, type TestApp } from '../support/start-test-app';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
export const SECRET = '8f14e45fceea167a5a36dedd4bea2543';
const TOKEN = 'xoxb-1-2-e2etoken';
const FORM = 'application/x-www-form-urlencoded';
/** The lead (deploys prod), a release manager (approves prod), an ML engineer (approves nothing). */
export const LEAD = { id: 'U0LEAD', name: 'Devon Lead', email: 'devops.lead@digitre.example' };
export const RITA = {
  id: 'U0RITA',
  name: 'Rita Release',
  email: 'release.manager@digitre.example',
};
export const MO = { id: 'U0MO', name: 'Mo Engineer', email: 'ml.engineer@digitre.example' };
export type SlackPerson = typeof LEAD;

/** The whole call as JSON, for `toContain`-style matching. */
export const text = (call: SlackApiCall) => JSON.stringify(call.args);

/**
 * The real app (`startApp`, production roles) against the emulator over HTTP, with Slack on and
 * `SLACK_API_URL` at the fake Slack Web API; the emulator's service hooks point at the bot, so
 * cards follow runs. Hooks a jest `beforeAll`/`afterAll`, and checks after each test that every
 * Block Kit payload sent was within Slack's limits.
 * @example const s = useSlackApp(); it('…', async () => { await s.command('help', 'C0001'); });
 */
export function useSlackApp() {
  let seq = 0;
  const s = {
    emu: undefined as unknown as Emulator,
    slack: undefined as unknown as FakeSlackApi,
    t: undefined as unknown as TestApp,
    lastRunId: () => Math.max(0, ...s.emu.engine.runs().map((r) => r.id)),
    runsAfter: (id: number) => s.emu.engine.runs().filter((r) => r.id > id),
    /** A request on `/slack/events`, signed as Slack signs it unless `headers` say otherwise. */
    post: (
      body: string,
      headers: Record<string, string> = slackSignature(body, SECRET),
      type = FORM,
    ) =>
      fetch(`${s.t.app.url}/slack/events`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': type, ...headers },
      }),
    async waitForCall(method: string, match: (c: SlackApiCall) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = s.slack.callsTo(method).find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no ${method} matched; got ${JSON.stringify(s.slack.callsTo(method))}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** `/digitre <text>` in a channel; resolves the form body (to send it again as a retry). */
    async command(commandText: string, channel: string, who: SlackPerson = LEAD) {
      const body = slashCommandForm({
        text: commandText,
        trigger_id: `trig.${++seq}`,
        user_id: who.id,
        user_name: who.name,
        channel_id: channel,
        channel_name: 'ml-deploys',
      });
      const res = await s.post(body);
      expect(res.status).toBe(200);
      return { body };
    },
    /** The bot's message in `channel` among the chat.postMessage calls after the first `before`. */
    answer(channel: string, before: number, match: (c: SlackApiCall) => boolean) {
      return s.waitForCall(
        'chat.postMessage',
        (c) =>
          s.slack.callsTo('chat.postMessage').indexOf(c) >= before &&
          c.args.channel === channel &&
          match(c),
      );
    },
    /** A click on a button the bot posted (its action id and signed value as rendered). */
    click(
      channel: string,
      ts: string,
      who: SlackPerson,
      button: { action_id: string; value: string },
    ) {
      return s.post(
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
    },
    /**
     * The person submits the modal `opened` (a views.open call) with `typed` in its input;
     * `forged` stands in for another view (its id) with a crafted private_metadata.
     */
    submit(
      opened: SlackApiCall,
      who: SlackPerson,
      typed: string,
      forged?: { viewId: string; metadata: string },
    ) {
      const view = openedView(opened);
      return s.post(
        interactionForm({
          type: 'view_submission',
          team: { id: 'T0001', domain: 'digitre' },
          api_app_id: 'A0001',
          token: 'x',
          trigger_id: `submit.${++seq}`,
          user: { id: who.id, username: who.name, name: who.name, team_id: 'T0001' },
          view: {
            id: forged?.viewId ?? (opened.result?.view as { id: string }).id,
            type: 'modal',
            team_id: 'T0001',
            callback_id: view.callback_id,
            private_metadata: forged?.metadata ?? view.private_metadata,
            hash: 'h1',
            state: {
              values: {
                decision: {
                  text: { type: 'plain_text_input', value: typed === '' ? null : typed },
                },
              },
            },
          },
        }),
      );
    },
  };

  beforeAll(async () => {
    s.emu = await startEmulator({
      catalog,
      taskMs: 15,
      seed: true,
      serviceIdentityIsApprover: true,
    });
    s.slack = await startFakeSlackApi({
      token: TOKEN,
      users: Object.fromEntries([LEAD, RITA, MO].map((p) => [p.id, p])),
    });
    s.t = await startTestApp(
      {
        ADO_ORG_URL: s.emu.orgUrl,
        ADO_PROJECT: s.emu.project,
        ADO_PAT: s.emu.pat,
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: s.slack.url,
      },
      { outboxIntervalMs: 200 },
    );
    // Azure DevOps' service hooks, as local mode registers them: cards follow the run.
    s.emu.hooks.add({ url: `${s.t.app.url}/api/ado-events` });
  });
  afterAll(async () => {
    await s.t?.close();
    await s.slack?.close();
    await s.emu?.close();
  });
  afterEach(() => {
    // Every Block Kit payload we sent was within Slack's limits (the fake refuses others).
    for (const call of s.slack.calls.filter((c) => c.method.startsWith('chat.'))) {
      expect(blockKitProblems(call.args.blocks ?? [])).toEqual([]);
    }
  });
  return s;
}

/** A button of a posted message: its action id and its signed value. */
export function buttonOf(call: SlackApiCall, actionId: string) {
  const blocks = (call.args.blocks ?? []) as {
    elements?: { action_id?: string; value?: string }[];
  }[];
  const b = blocks.flatMap((x) => x.elements ?? []).find((e) => e.action_id === actionId);
  if (!b?.value) throw new Error(`no ${actionId} button in ${text(call)}`);
  return { action_id: actionId, value: b.value };
}

/** The view a views.open call opened, as the bot sent it. */
export function openedView(call: SlackApiCall): Record<string, unknown> & {
  callback_id: string;
  private_metadata: string;
} {
  const view = call.args.view;
  return (typeof view === 'string' ? JSON.parse(view) : view) as ReturnType<typeof openedView>;
}

/** The `ts` the fake gave a posted message. */
export function slackTsOf(call: SlackApiCall): string {
  const ts = call.result?.ts;
  if (typeof ts !== 'string') throw new Error(`no ts for ${JSON.stringify(call)}`);
  return ts;
}

export async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
