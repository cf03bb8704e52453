import { CARD_IDS, type CardDataMap, type CardId } from '../../src/cards/card-data';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import type { Reply } from '../../src/commands/reply';
import { renderBlocks } from '../../src/slack/render-blocks';
import { blockKitProblems } from '../../src/slack/slack-limits';
import { CARD_FIXTURES } from '../support/card-fixtures';

const reply = <K extends CardId>(card: K, data: CardDataMap[K]) => ({ card, data }) as Reply;

/** Every fixture of every card, as [card, fixture name, reply]. */
const ALL = CARD_IDS.flatMap((card) =>
  Object.entries(CARD_FIXTURES[card]).map(
    ([name, data]) => [card, name, reply(card, data as CardDataMap[typeof card])] as const,
  ),
);

interface ButtonJson {
  type: string;
  action_id: string;
  value?: string;
  url?: string;
  text: { text: string };
}

function buttonsOf(blocks: unknown[] | undefined): ButtonJson[] {
  return (blocks ?? []).flatMap((b) => {
    const block = b as { type: string; elements?: ButtonJson[] };
    return block.type === 'actions' ? (block.elements ?? []) : [];
  });
}

const VERBS = new Set<string>(Object.values(CARD_VERBS));

describe('renderBlocks: every card as Block Kit', () => {
  it('has fixtures for every card id', () => {
    for (const card of CARD_IDS) expect(Object.keys(CARD_FIXTURES[card]).length).toBeGreaterThan(0);
  });

  it.each(ALL)('%s / %s fits every Slack limit, with a text fallback', (_card, _name, r) => {
    const message = renderBlocks(r);
    expect(message.blocks).toBeDefined();
    expect(blockKitProblems(message.blocks)).toEqual([]);
    expect(message.text.trim().length).toBeGreaterThan(0);
    // No template engine here: a missing field would show as 'undefined'.
    expect(JSON.stringify(message)).not.toMatch(/undefined|\[object Object\]/);
  });

  it.each(ALL)(
    '%s / %s: buttons carry a card verb and its data, or a command',
    (_card, _name, r) => {
      for (const b of buttonsOf(renderBlocks(r).blocks)) {
        if (b.url) continue;
        if (b.action_id.startsWith('command.send:')) {
          expect(b.value).toBe(b.text.text);
          continue;
        }
        expect(VERBS).toContain(b.action_id);
        expect(JSON.parse(b.value ?? '')).toEqual(expect.any(Object));
      }
    },
  );

  it('puts Approve / Reject with their signed data on the approver view only', () => {
    const approver = CARD_FIXTURES.approval['pending-approver']!;
    const buttons = buttonsOf(renderBlocks(reply('approval', approver)).blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([
      CARD_VERBS.approve,
      CARD_VERBS.reject,
      'link.run',
    ]);
    expect(JSON.parse(buttons[0]!.value!)).toEqual(approver.approveData);
    const viewer = renderBlocks(reply('approval', CARD_FIXTURES.approval['pending-viewer']!));
    expect(buttonsOf(viewer.blocks).map((b) => b.action_id)).toEqual(['link.run']);
  });

  it('names the pipeline and state of a run, live, with Cancel while it runs', () => {
    const running = CARD_FIXTURES['run-status'].running!;
    const message = renderBlocks(reply('run-status', running));
    expect(message.text).toContain(running.pipelineName);
    expect(message.text).toContain(running.stateText);
    expect(buttonsOf(message.blocks).map((b) => b.action_id)).toContain(CARD_VERBS.cancelRun);
    const failed = renderBlocks(reply('run-status', CARD_FIXTURES['run-status'].failed!));
    expect(buttonsOf(failed.blocks).map((b) => b.action_id)).toContain(CARD_VERBS.retryRun);
  });

  it('gives confirm buttons to the requester of a pending prod deploy only', () => {
    const mine = renderBlocks(reply('confirm', CARD_FIXTURES.confirm['pending-requester']!));
    expect(buttonsOf(mine.blocks).map((b) => b.action_id)).toEqual([
      CARD_VERBS.confirm,
      CARD_VERBS.decline,
    ]);
    const theirs = renderBlocks(reply('confirm', CARD_FIXTURES.confirm['pending-viewer']!));
    expect(buttonsOf(theirs.blocks)).toEqual([]);
  });

  it('turns did-you-mean suggestions into buttons with unique action ids', () => {
    const data = {
      ...CARD_FIXTURES['usage-error']['did-you-mean']!,
      suggestedCommands: ['deploy custom-qa model v3', 'deploy qa model v3'],
    };
    const buttons = buttonsOf(renderBlocks(reply('usage-error', data)).blocks);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['command.send:0', 'deploy custom-qa model v3'],
      ['command.send:1', 'deploy qa model v3'],
    ]);
  });

  it('escapes mrkdwn in user text, so it cannot open links or mentions', () => {
    const data = { ...CARD_FIXTURES.message.good!, text: 'hi <!channel> & <https://evil|x>' };
    const json = JSON.stringify(renderBlocks(reply('message', data)).blocks);
    expect(json).toContain('hi &lt;!channel&gt; &amp; &lt;https://evil|x&gt;');
  });

  it('masks configured secrets in what it shows, never in the signed data', () => {
    const secret = 'ado-pat-0123456789abcdefghijklmnopqrstuvwxyz0123456';
    const data = { ...CARD_FIXTURES.message.attention!, text: `the PAT ${secret} leaked` };
    const message = renderBlocks(reply('message', data), [secret]);
    expect(JSON.stringify(message)).not.toContain(secret);
    expect(message.text).toContain('[REDACTED]');
  });

  it('stays within the limits with oversized data (long names, long lists and logs)', () => {
    const long = (n: number) => 'x'.repeat(n);
    const failed = CARD_FIXTURES['run-status'].failed!;
    const run = {
      ...failed,
      pipelineName: long(400),
      runName: long(300),
      environment: long(3000),
      stages: Array.from({ length: 80 }, (_, i) => ({
        ...failed.stages[0]!,
        name: `${i}${long(100)}`,
      })),
      logLines: Array.from({ length: 200 }, () => long(500)),
    };
    const list = {
      ...CARD_FIXTURES.list.models!,
      title: long(500),
      rows: Array.from({ length: 1000 }, (_, i) => ({ cells: [`v${i}`, long(80), long(40)] })),
    };
    const dashboard = CARD_FIXTURES.dashboard.busy!;
    const busy = {
      ...dashboard,
      live: Array.from({ length: 25 }, (_, i) => ({ title: `env ${i}`, value: long(2500) })),
      pipelines: Array.from({ length: 200 }, () => dashboard.pipelines[0]!),
      approvals: Array.from({ length: 100 }, () => ({
        title: long(200),
        detail: long(300),
        waiting: '1h',
      })),
    };
    const usage = {
      ...CARD_FIXTURES['usage-error']['did-you-mean']!,
      suggestedCommands: Array.from({ length: 40 }, (_, i) => `deploy ${i} ${long(100)}`),
    };
    for (const r of [
      reply('run-status', run),
      reply('list', list),
      reply('dashboard', busy),
      reply('usage-error', usage),
    ]) {
      const message = renderBlocks(r);
      expect(message.blocks).toBeDefined();
      expect(blockKitProblems(message.blocks)).toEqual([]);
      expect(message.text.length).toBeLessThanOrEqual(3000);
    }
  });
});
