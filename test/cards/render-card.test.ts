import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { CARD_IDS, type CardDataMap, type CardId } from '../../src/cards/card-data';
import { CARD_FIXTURES, RUN_FIXTURE_STATES } from '../support/card-fixtures';
import { CARD_VERBS, isCardVerb } from '../../src/cards/card-verbs';
import {
  CardRenderError,
  cardAttachment,
  createCardRenderer,
  findCardsDir,
  renderCard,
  type AdaptiveCardJson,
} from '../../src/cards/render-card';
import { adaptiveCardErrors } from './adaptive-card-errors';
import { allObjects, allStrings, buttonVerbs, executeActions, visibleText } from './card-walk';

type Case = [CardId, string, CardDataMap[CardId]];
const cases: Case[] = CARD_IDS.flatMap((id) =>
  Object.entries(CARD_FIXTURES[id]).map(([name, data]): Case => [id, name, data]),
);

function render<K extends CardId>(id: K, fixture: string): AdaptiveCardJson {
  const data = CARD_FIXTURES[id][fixture];
  if (!data) throw new Error(`no fixture ${id}/${fixture}`);
  return renderCard(id, data);
}

describe('every template × every fixture', () => {
  it('has fixtures for every card', () => {
    for (const id of CARD_IDS) expect(Object.keys(CARD_FIXTURES[id]).length).toBeGreaterThan(0);
    expect(Object.keys(CARD_FIXTURES['run-status'])).toEqual([...RUN_FIXTURE_STATES]);
    expect(Object.keys(CARD_FIXTURES.approval).sort()).toEqual(
      ['approved', 'pending-approver', 'pending-viewer', 'rejected'].sort(),
    );
    expect(Object.keys(CARD_FIXTURES.confirm).sort()).toEqual(
      ['cancelled', 'confirmed', 'expired', 'pending-requester', 'pending-viewer'].sort(),
    );
  });

  it.each(cases)(
    '%s / %s renders a valid Adaptive Card 1.5 with no unbound field',
    (id, _n, data) => {
      const card = renderCard(id, data as never);
      expect(card.type).toBe('AdaptiveCard');
      expect(card.version).toBe('1.5');
      expect(card['$schema']).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
      const strings = allStrings(card);
      expect(strings.filter((s) => s.includes('${'))).toEqual([]);
      expect(strings.filter((s) => s.includes('$when') || s === '$data')).toEqual([]);
      expect(adaptiveCardErrors(card)).toEqual([]);
      // `$when: false` on an object property must not leave `null` behind.
      expect(JSON.stringify(card)).not.toContain('null');
    },
  );

  it.each(cases)('%s / %s uses only known verbs, with the ids the server needs', (id, _n, data) => {
    const card = renderCard(id, data as never);
    for (const action of executeActions(card)) {
      expect(isCardVerb(action.verb)).toBe(true);
      const d = action.data ?? {};
      switch (action.verb) {
        case CARD_VERBS.approve:
        case CARD_VERBS.reject:
          expect(typeof d['approvalId']).toBe('string');
          expect(typeof d['runId']).toBe('number');
          break;
        case CARD_VERBS.cancelRun:
        case CARD_VERBS.retryRun:
          expect(typeof d['runId']).toBe('number');
          break;
        case CARD_VERBS.confirm:
        case CARD_VERBS.decline:
          expect(typeof d['confirmationId']).toBe('string');
          break;
        case CARD_VERBS.refresh:
          expect(d['approvalId'] ?? d['confirmationId']).toEqual(expect.any(String));
          break;
      }
    }
    // Buttons are Action.Execute (Universal Actions) or links; never the legacy Action.Submit,
    // except an imBack: it sends its text as if the person typed it ("Did you mean" buttons),
    // so no server-side handler is involved.
    for (const o of allObjects(card)) {
      if (o['type'] !== 'Action.Submit') continue;
      const msteams = (o['data'] as { msteams?: { type?: string; value?: unknown } }).msteams;
      expect(msteams?.type).toBe('imBack');
      expect(msteams?.value).toBe(o['title']);
    }
  });
});

describe('the validator used above can fail', () => {
  it('reports an invalid colour and an unknown element type', () => {
    const errors = adaptiveCardErrors({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'x', color: 'purple' },
        { type: 'Carousel3D', items: [] },
      ],
    });
    expect(errors.join('\n')).toMatch(/color/);
    expect(errors.join('\n')).toMatch(/Carousel3D/);
  });
});

describe('run-status buttons fit the state', () => {
  const expected: Record<string, string[]> = {
    queued: [CARD_VERBS.cancelRun],
    running: [CARD_VERBS.cancelRun],
    waiting: [CARD_VERBS.approve, CARD_VERBS.reject, CARD_VERBS.cancelRun],
    succeeded: [],
    failed: [CARD_VERBS.retryRun],
    canceled: [],
    rejected: [],
  };

  it.each(RUN_FIXTURE_STATES.map((s) => [s]))('%s', (state) => {
    const card = render('run-status', state);
    expect(buttonVerbs(card)).toEqual(expected[state]);
    const links = (card.actions ?? []).filter(
      (a) => (a as { type: string }).type === 'Action.OpenUrl',
    );
    expect(links).toHaveLength(1);
    expect(visibleText(card)).toContain('[Manual]-[Prod]-deployment');
    expect(visibleText(card)).toContain('Deploy Production');
    // Retry only after a failure; Approve/Reject only while waiting.
    expect(buttonVerbs(card).includes(CARD_VERBS.retryRun)).toBe(state === 'failed');
    expect(buttonVerbs(card).includes(CARD_VERBS.approve)).toBe(state === 'waiting');
    const hasComment = allObjects(card).some((o) => o['type'] === 'Input.Text');
    expect(hasComment).toBe(state === 'waiting');
  });

  it('shows the failing task log in monospace only when failed', () => {
    const failed = render('run-status', 'failed');
    const mono = allObjects(failed).filter((o) => o['fontType'] === 'Monospace');
    expect(mono.map((o) => o['text'])).toContain(
      '2026-11-26T14:27:02Z ##[error]Script failed with exit code: 1',
    );
    expect(visibleText(failed)).toContain('Failed task: Deploy endpoint (stage Deploy_Prod)');
    // The `${MODEL_REGISTRY}` from the log survives as text without looking like a binding.
    expect(visibleText(failed)).toMatch(/\$\u200B\{MODEL_REGISTRY\}/);
    for (const state of RUN_FIXTURE_STATES.filter((s) => s !== 'failed')) {
      const card = render('run-status', state);
      expect(allObjects(card).filter((o) => o['fontType'] === 'Monospace')).toEqual([]);
    }
  });

  it('reads at a glance: header icon and colour per state', () => {
    const header = (state: string): Record<string, unknown> =>
      (render('run-status', state).body ?? [])[0] as Record<string, unknown>;
    expect(header('failed')['style']).toBe('attention');
    expect(header('succeeded')['style']).toBe('good');
    expect(header('waiting')['style']).toBe('warning');
    expect(visibleText(render('run-status', 'failed'))).toContain('❌');
    expect(visibleText(render('run-status', 'succeeded'))).toContain('✅');
    expect(visibleText(render('run-status', 'waiting'))).toContain('⏳');
    expect(visibleText(render('run-status', 'running'))).toContain('🔄');
    expect(visibleText(render('run-status', 'rejected'))).toContain('🚫');
  });
});

describe('approval card views', () => {
  it('approver: comment box, Approve and Reject, refresh for the approvers', () => {
    const card = render('approval', 'pending-approver');
    expect(buttonVerbs(card)).toEqual([CARD_VERBS.approve, CARD_VERBS.reject]);
    expect(allObjects(card).some((o) => o['type'] === 'Input.Text' && o['id'] === 'comment')).toBe(
      true,
    );
    expect(visibleText(card)).toContain("Check the QA results and the model's evaluation metrics");
    expect(card.refresh?.userIds).toEqual(['29:1a-devops-lead', '29:1b-release-manager']);
    expect(card.refresh?.action.verb).toBe(CARD_VERBS.refresh);
  });

  it('viewer: no buttons, says who can approve, still refreshes for approvers', () => {
    const card = render('approval', 'pending-viewer');
    expect(buttonVerbs(card)).toEqual([]);
    expect(allObjects(card).some((o) => o['type'] === 'Input.Text')).toBe(false);
    expect(visibleText(card)).toContain('Approvers: DevOps Lead, Release Manager');
    expect(card.refresh?.userIds).toEqual(['29:1a-devops-lead', '29:1b-release-manager']);
  });

  it.each([
    ['approved', '✅ Approved by Release Manager', 'QA green'],
    ['rejected', '🚫 Rejected by Release Manager', 'Evaluation metrics regressed'],
  ])('%s: who, when and the comment; no buttons, no refresh', (fixture, who, comment) => {
    const card = render('approval', fixture);
    expect(buttonVerbs(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(visibleText(card)).toContain(who);
    expect(visibleText(card)).toContain(comment);
    expect(visibleText(card)).toContain('2026-11-26 14:29 UTC');
  });
});

describe('confirm card states', () => {
  it('pending: buttons for the requester only, refresh for the requester', () => {
    const mine = render('confirm', 'pending-requester');
    const theirs = render('confirm', 'pending-viewer');
    expect(buttonVerbs(mine)).toEqual([CARD_VERBS.confirm, CARD_VERBS.decline]);
    expect(buttonVerbs(theirs)).toEqual([]);
    expect(visibleText(theirs)).toContain('Waiting for Alex Wilber to confirm.');
    for (const card of [mine, theirs]) {
      expect(card.refresh?.userIds).toEqual(['29:1c-alex-wilber']);
      expect(visibleText(card)).toMatch(/Confirm by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(visibleText(card)).not.toContain('Expires in');
    }
  });

  it.each([
    ['confirmed', 'Confirmed by Alex Wilber'],
    ['cancelled', 'Canceled by Alex Wilber'],
    ['expired', 'nothing was run'],
  ])('%s: final text, no buttons, no refresh', (fixture, text) => {
    const card = render('confirm', fixture);
    expect(buttonVerbs(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(visibleText(card)).toContain(text);
  });
});

describe('other cards show their data', () => {
  it('dashboard: pipelines, approvals, locks, DEV age', () => {
    const text = visibleText(render('dashboard', 'busy'));
    expect(text).toContain('[ML]-Train-Evaluate-Register');
    expect(text).toContain('❌ Failed');
    expect(text).toContain('Never run');
    expect(text).toContain('Production · Deploy Production');
    expect(text).toContain('QA: regression testing v3');
    expect(text).toMatch(/Deployed 20h 0m ago; deleted in about 4h 0m/);
    const quiet = visibleText(render('dashboard', 'quiet'));
    expect(quiet).toContain('None waiting.');
    expect(quiet).toContain('No environment is locked.');
    expect(quiet).toContain('No DEV environment deployed.');
  });

  it('list: header row from columns, one row per item, empty text otherwise', () => {
    const card = render('list', 'models');
    const rows = allObjects(card).filter((o) => o['type'] === 'TableRow');
    expect(rows).toHaveLength(3);
    expect(visibleText(card)).toContain('Registered');
    expect(visibleText(card)).toContain('20261118.2');
    const empty = render('list', 'empty-locks');
    expect(allObjects(empty).some((o) => o['type'] === 'Table')).toBe(false);
    expect(visibleText(empty)).toContain('No environment is locked.');
  });

  it('usage-error: problem, usage, example and did-you-mean', () => {
    const text = visibleText(render('usage-error', 'did-you-mean'));
    expect(text).toContain("'custmo-qa' is not an environment.");
    expect(text).toContain('deploy <environment> [model v<N>] [branch <name>]');
    expect(text).toContain('• deploy custom-qa model v3');
    expect(visibleText(render('usage-error', 'unknown'))).not.toContain('Did you mean');
  });

  it('message: style drives the header container', () => {
    for (const style of ['good', 'attention', 'warning', 'default'] as const) {
      const card = render('message', style);
      expect(((card.body ?? [])[0] as { style: string }).style).toBe(style);
    }
  });

  // Teams' Markdown (TextBlock, Fact) drops what looks like an HTML tag: `deploy <env>` reads
  // "deploy". A TextRun is never Markdown, so placeholders live there; inside a code span (`…`)
  // the Markdown renderer keeps them as written.
  it.each(cases)('%s / %s: no <placeholder> where Markdown would eat it', (id, _name, data) => {
    const card = renderCard(id, data as never);
    const markdown = allObjects(card)
      .filter((o) => o['type'] === 'TextBlock' || ('title' in o && 'value' in o))
      .flatMap((o) => [o['text'], o['title'], o['value']])
      .filter((t): t is string => typeof t === 'string')
      .map((t) => t.replace(/`[^`]*`/g, ''));
    expect(markdown.filter((t) => /<[A-Za-z][^>]*>/.test(t))).toEqual([]);
  });

  it('run-status: a rejected deploy says what still runs in its environment', () => {
    expect(visibleText(render('run-status', 'rejected'))).toContain(
      'Live in Production now: v2 · since 2026-11-25 10:12 UTC · by Alex Wilber',
    );
    expect(visibleText(render('run-status', 'succeeded'))).not.toContain('Live in');
  });

  it('dashboard: leads with what runs where', () => {
    const text = visibleText(render('dashboard', 'busy'));
    expect(text.indexOf('What runs where')).toBeLessThan(text.indexOf('Pipelines'));
    expect(text).toMatch(/Production: v\d+ · since .* UTC · .*run #\d+ · \d{8}\.\d+/);
    expect(text).toContain('QA: nothing deployed yet');
    expect(visibleText(render('dashboard', 'quiet'))).not.toContain('What runs where');
  });

  it('approval and confirm: a downgrade is said in words, with the branch', () => {
    const approval = visibleText(render('approval', 'pending-approver'));
    expect(approval).toContain('This deploy replaces the live model: v3 → v2, a downgrade.');
    expect(approval).toContain('Branch: main');
    expect(visibleText(render('approval', 'pending-viewer'))).not.toContain('downgrade');
    const confirm = visibleText(render('confirm', 'pending-requester'));
    expect(confirm).toContain('This replaces the live model: v3 → v2, a downgrade.');
    expect(confirm).toContain('Change: v3 → v2, a downgrade');
    expect(visibleText(render('confirm', 'pending-viewer'))).not.toContain('downgrade');
  });

  it('help: every command with usage, summary and example', () => {
    const text = visibleText(render('help', 'all'));
    expect(text).toContain('deploy <environment> [model v<N>] [branch <name>]');
    expect(text).toContain('e.g. deploy custom-qa model v3');
  });
});

describe('renderCard', () => {
  it('throws on a field the data lacks, instead of sending `${field}`', () => {
    const data = { ...CARD_FIXTURES.message.good } as Partial<CardDataMap['message']>;
    delete data.title;
    expect(() => renderCard('message', data as CardDataMap['message'])).toThrow(CardRenderError);
    expect(() => renderCard('message', data as CardDataMap['message'])).toThrow(/title/);
  });

  it('does not leak data between renders of the cached template', () => {
    const a = renderCard('message', { ...CARD_FIXTURES.message.good!, title: 'First' });
    const b = renderCard('message', { ...CARD_FIXTURES.message.good!, title: 'Second' });
    expect(visibleText(a)).toContain('First');
    expect(visibleText(b)).toContain('Second');
    expect(visibleText(b)).not.toContain('First');
  });

  it('names where a field is missing', () => {
    const data = { ...CARD_FIXTURES.message.good } as Partial<CardDataMap['message']>;
    delete data.title;
    expect(() => renderCard('message', data as CardDataMap['message'])).toThrow(
      /unbound template fields: \$\.body\[0\]\.items\[0\]\.text: .*\$\{title\}/,
    );
  });

  it('does not change the data it renders', () => {
    const data = structuredClone(CARD_FIXTURES['run-status'].failed!);
    const copy = structuredClone(data);
    renderCard('run-status', data);
    expect(data).toEqual(copy);
  });

  it('renders the help card once per distinct data and shares it, frozen', () => {
    const renderer = createCardRenderer();
    const expand = jest.spyOn(Template.prototype, 'expand');
    try {
      const all = CARD_FIXTURES.help.all!;
      const first = renderer.render('help', all);
      const again = renderer.render('help', structuredClone(all));
      expect(again).toBe(first);
      expect(expand).toHaveBeenCalledTimes(1);
      expect(Object.isFrozen(first)).toBe(true);
      expect(Object.isFrozen(first.body![0])).toBe(true);
      expect(() => {
        'use strict';
        (first.body as unknown[]).push({});
      }).toThrow(TypeError);

      const other = renderer.render('help', { ...all, title: 'help deploy' });
      expect(other).not.toBe(first);
      expect(visibleText(other)).toContain('help deploy');
      expect(expand).toHaveBeenCalledTimes(2);
      // Cards with per-run data are rendered every time.
      const run = CARD_FIXTURES['run-status'].failed!;
      expect(renderer.render('run-status', run)).not.toBe(renderer.render('run-status', run));
      expect(expand).toHaveBeenCalledTimes(4);
    } finally {
      expand.mockRestore();
    }
  });

  it('knows shared frozen help data by identity: no serialising per message', () => {
    const renderer = createCardRenderer();
    const data = structuredClone(CARD_FIXTURES.help.all!);
    Object.freeze(data);
    const first = renderer.render('help', data);
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(renderer.render('help', data)).toBe(first);
      expect(stringify).not.toHaveBeenCalled();
      // Data that is not frozen could change after it was remembered: looked up by content.
      const open = structuredClone(CARD_FIXTURES.help.all!);
      expect(renderer.render('help', open)).toBe(first);
      expect(stringify).toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('reads each template once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cards-'));
    try {
      const tpl = (text: string): string =>
        JSON.stringify({
          type: 'AdaptiveCard',
          version: '1.5',
          body: [{ type: 'TextBlock', text }],
        });
      writeFileSync(join(dir, 'message.json'), tpl('v1 ${title}'));
      const renderer = createCardRenderer(dir);
      const data = CARD_FIXTURES.message.good!;
      expect(visibleText(renderer.render('message', data))).toBe('v1 Locked');
      writeFileSync(join(dir, 'message.json'), tpl('v2 ${title}'));
      expect(visibleText(renderer.render('message', data))).toBe('v1 Locked');
      expect(() => renderer.render('help', CARD_FIXTURES.help.all!)).toThrow(/cannot load/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds cards/ from the build output folder too', () => {
    const root = join(__dirname, '..', '..');
    expect(findCardsDir(join(root, 'dist', 'src', 'cards'))).toBe(join(root, 'cards'));
    expect(findCardsDir(join(root, 'src', 'cards'))).toBe(join(root, 'cards'));
  });

  it('wraps a card as a Bot Framework attachment', () => {
    const card = render('message', 'good');
    expect(cardAttachment(card)).toEqual({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: card,
    });
  });
});
