import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { CARD_IDS, type CardDataMap } from '../../src/cards/card-data';
import { CARD_FIXTURES } from '../support/card-fixtures';
import { RUN_FIXTURE_STATES } from '../support/run-fixtures';
import { CARD_VERBS, isCardVerb } from '../../src/cards/card-verbs';
import {
  CardRenderError,
  cardAttachment,
  createCardRenderer,
  findCardsDir,
  renderCard,
} from '../../src/cards/render-card';
import { adaptiveCardErrors } from './adaptive-card-errors';
import { allObjects, allStrings, executeActions, visibleText } from './card-walk';
import { FIXTURE_CASES as cases, renderFixture as render } from './render-fixture';

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
