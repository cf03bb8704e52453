import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CARD_IDS, type CardDataMap, type CardId } from '../../src/cards/card-data';
import { CARD_FIXTURES } from '../support/card-fixtures';
import { renderCard, type AdaptiveCardJson } from '../../src/cards/render-card';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { splitWords } from './playground-support';

/**
 * Renders every card fixture with the Adaptive Cards HTML renderer in headless Chromium, saves a
 * PNG per fixture under test-output/cards/ (look at them), and checks the DOM says what the
 * data says.
 */

const ROOT = join(__dirname, '..', '..');
const OUT_DIR = join(ROOT, 'test-output', 'cards');
const AC_DIST = join(ROOT, 'node_modules', 'adaptivecards', 'dist');

// Close to Teams' light theme, so the screenshots look like what people will see.
const HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 22 },
  actions: { maxActions: 6, buttonSpacing: 8, actionsOrientation: 'horizontal' },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#5B5FC7' },
        good: { default: '#0E700E', subtle: '#0E700E' },
        warning: { default: '#8A3707', subtle: '#8A3707' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
      },
    },
    emphasis: { backgroundColor: '#F5F5F5' },
    accent: { backgroundColor: '#E8EBFA' },
    good: { backgroundColor: '#E7F2DA' },
    attention: { backgroundColor: '#FCF4F6' },
    warning: { backgroundColor: '#FBF6D9' },
  },
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="/adaptivecards.css">
<style>body { margin: 0; background: #F0F0F0; } #root { width: 560px; margin: 12px; background: #fff;
  border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.2); overflow: hidden; }
.ac-pushButton { border: 1px solid #d1d1d1; border-radius: 4px; background: #fff; padding: 6px 12px;
  font-family: 'DejaVu Sans', sans-serif; font-size: 14px; font-weight: 600; color: #242424; }
.ac-pushButton.style-positive { background: #5B5FC7; color: #fff; border-color: #5B5FC7; }
.ac-pushButton.style-destructive { background: #fff; color: #C4314B; border-color: #C4314B; }
</style>
<script src="/adaptivecards.min.js"></script></head>
<body><div id="root"></div></body></html>`;

function serve(): Promise<{ server: Server; origin: string }> {
  const files: Record<string, [string, string]> = {
    '/adaptivecards.min.js': [join(AC_DIST, 'adaptivecards.min.js'), 'text/javascript'],
    '/adaptivecards.css': [join(AC_DIST, 'adaptivecards.css'), 'text/css'],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (req.url === '/') {
      {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      }
    } else if (file) {
      {
        res.writeHead(200, { 'content-type': file[1] });
        res.end(readFileSync(file[0]));
      }
    } else {
      {
        res.writeHead(404);
        res.end();
      }
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

interface PageElement {
  innerHTML: string;
  innerText: string;
  appendChild(child: unknown): void;
}

interface PageGlobals {
  AdaptiveCards: typeof import('adaptivecards');
  document: { getElementById(id: string): PageElement | null };
}

/** Runs in the page: renders one card into #root and returns its text. */
async function renderInPage(
  page: Page,
  card: AdaptiveCardJson,
): Promise<{ text: string; html: string; errors: string[] }> {
  return page.evaluate(
    ({ card, hostConfig }) => {
      // Runs in Chromium; the project compiles without the DOM lib, hence the narrow types.
      const page = globalThis as unknown as PageGlobals;
      const AC = page.AdaptiveCards;
      const root = page.document.getElementById('root');
      if (!root) throw new Error('no #root');
      root.innerHTML = '';
      const adaptive = new AC.AdaptiveCard();
      adaptive.hostConfig = new AC.HostConfig(hostConfig);
      const context = new AC.SerializationContext(AC.Versions.v1_5);
      adaptive.parse(card, context);
      const errors: string[] = [];
      for (let i = 0; i < context.eventCount; i++) errors.push(context.getEventAt(i).message);
      const el = adaptive.render();
      if (!el) throw new Error('render returned nothing');
      root.appendChild(el);
      return { text: root.innerText, html: root.innerHTML, errors };
    },
    { card, hostConfig: HOST_CONFIG },
  );
}

/** Texts each card must show, taken from its data (not hard-coded). */
function keyTexts<K extends CardId>(id: K, data: CardDataMap[K], card: AdaptiveCardJson): string[] {
  const buttons = (card.actions ?? []).map((a) => (a as { title?: string }).title ?? '');
  const d = data as CardDataMap[CardId];
  const texts: string[] = [...buttons];
  if ('pipelineName' in d && d.pipelineName) texts.push(d.pipelineName);
  if ('stages' in d && Array.isArray(d.stages)) {
    for (const s of d.stages) if (typeof s !== 'string') texts.push(s.name);
  }
  if ('title' in d && d.title) texts.push(d.title);
  if ('problem' in d) texts.push(d.problem);
  if ('commands' in d) for (const c of d.commands) texts.push(c.usage);
  if ('columns' in d && d.hasRows) for (const c of d.columns) texts.push(c.title);
  if ('isApprover' in d && d.isApprover) texts.push('Comment for Azure DevOps');
  return texts.filter((t) => t.length > 0);
}

/**
 * The card as a host of that width shows it. Teams (and the Playground's renderer) honour an
 * element's `targetWidth`; the stock HTML renderer here does not, so it would show a list both
 * as a table and as stacked rows. The page is 560 px wide: Teams' "standard" width.
 */
function atWidth(card: AdaptiveCardJson, width: 'standard' | 'narrow'): AdaptiveCardJson {
  const shown = (target: unknown) =>
    typeof target !== 'string' ||
    (width === 'narrow' ? !target.startsWith('atLeast:standard') : target !== 'atMost:narrow');
  const prune = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      return node
        .filter(
          (n) =>
            !(n && typeof n === 'object' && !shown((n as { targetWidth?: unknown }).targetWidth)),
        )
        .map(prune);
    }
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, prune(v)]));
    }
    return node;
  };
  return prune(card) as AdaptiveCardJson;
}

type Case = [CardId, string];
const cases: Case[] = CARD_IDS.flatMap((id) =>
  Object.keys(CARD_FIXTURES[id]).map((name): Case => [id, name]),
);

describe('cards in the Adaptive Cards HTML renderer (headless Chromium)', () => {
  let browser: LaunchedChromium;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const served = await serve();
    server = served.server;
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 600, height: 800 });
    await page.goto(`${served.origin}/`);
    await page.waitForFunction(() => 'AdaptiveCards' in globalThis);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it.each(cases)('%s / %s', async (id, name) => {
    const data = CARD_FIXTURES[id][name] as CardDataMap[CardId];
    const card = renderCard(id, data as never);
    const { text, html, errors } = await renderInPage(page, atWidth(card, 'standard'));
    await page.locator('#root').screenshot({ path: join(OUT_DIR, `${id}--${name}.png`) });
    expect(errors).toEqual([]);
    expect(text).not.toContain('${');
    expect(html).not.toContain('${');
    for (const t of keyTexts(id, data, card)) expect(text).toContain(t);
  });

  // What Teams mobile shows below 345 px: each row stacked, the column titles as facts.
  it.each(Object.keys(CARD_FIXTURES.list))(
    'list / %s at phone width: stacked rows, no split word',
    async (name) => {
      const data = CARD_FIXTURES.list[name]!;
      await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: { getElementById(id: string): { style: { width: string } } };
          }
        ).document.getElementById('root');
        root.style.width = '328px';
      });
      try {
        const { text } = await renderInPage(page, atWidth(renderCard('list', data), 'narrow'));
        await page
          .locator('#root')
          .screenshot({ path: join(OUT_DIR, `list--${name}--narrow.png`) });
        if (data.hasRows) {
          expect(text).toContain(`${data.columns[1]!.title}\n`);
          expect(text).toContain(data.rows[0]!.cells[0]!);
        }
        await expect(splitWords(page.locator('#root'))).resolves.toEqual([]);
      } finally {
        await page.evaluate(() => {
          const root = (
            globalThis as unknown as {
              document: { getElementById(id: string): { style: { width: string } } };
            }
          ).document.getElementById('root');
          root.style.width = '';
        });
      }
    },
  );

  it('renders buttons as buttons', async () => {
    await renderInPage(page, renderCard('run-status', CARD_FIXTURES['run-status'].waiting!));
    const titles = await page.locator('#root button').allInnerTexts();
    expect(titles.map((t) => t.trim())).toEqual(
      expect.arrayContaining(['Approve', 'Reject', 'Cancel run', 'Open in Azure DevOps']),
    );
    await renderInPage(page, renderCard('run-status', CARD_FIXTURES['run-status'].succeeded!));
    const after = await page.locator('#root button').allInnerTexts();
    expect(after.map((t) => t.trim())).toEqual(['Open in Azure DevOps']);
  });
});
