import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import type { CardDataMap, CardId } from './card-data';

/** A rendered Adaptive Card, ready to send as an attachment's `content`. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  refresh?: { action: { type: string; verb?: string; data?: unknown }; userIds?: string[] };
  [key: string]: unknown;
}

/** What Bot Framework expects in `activity.attachments`. */
export interface AdaptiveCardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: AdaptiveCardJson;
}

/** A template bug (unbound field, bad JSON) found while rendering; never a user error. */
export class CardRenderError extends Error {
  constructor(
    readonly cardId: string,
    message: string,
  ) {
    super(`card '${cardId}': ${message}`);
    this.name = 'CardRenderError';
  }
}

export interface CardRenderer {
  render<K extends CardId>(id: K, data: CardDataMap[K]): AdaptiveCardJson;
}

/**
 * The folder holding `cards/`: the package root, found by walking up from this file so the same
 * code works from `src/cards/` (ts-node, jest) and from `dist/src/cards/` (the build).
 */
export function findCardsDir(start: string = __dirname): string {
  let dir = start;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cards'))) {
      return join(dir, 'cards');
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find the cards/ folder above ${start}`);
}

// A zero-width space between `$` and `{`: text from Azure DevOps (log lines, comments) may
// contain `${VAR}`; it must not look like an unbound template field in the rendered card.
const ESCAPED_BINDING = '$\u200B{';

function escapeData(value: unknown): unknown {
  if (typeof value === 'string') return value.split('${').join(ESCAPED_BINDING);
  if (Array.isArray(value)) return value.map(escapeData);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeData(v)]));
  }
  return value;
}

/**
 * Drops the `null`s that `$when: false` leaves on object properties (e.g. `refresh`,
 * `selectAction`) and reports any `${` the templating engine left (a field the data lacks).
 */
function finish(value: unknown, path: string, unbound: string[]): unknown {
  if (typeof value === 'string') {
    if (value.includes('${')) unbound.push(`${path}: ${value}`);
    return value;
  }
  if (Array.isArray(value)) {
    return value.filter((v) => v !== null).map((v, i) => finish(v, `${path}[${i}]`, unbound));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      out[k] = finish(v, `${path}.${k}`, unbound);
    }
    return out;
  }
  return value;
}

/**
 * A renderer over one `cards/` folder. Each template is read and parsed once, on first use.
 * @example
 *   const cards = createCardRenderer();
 *   const card = cards.render('message', messageCardData({ title: 'Done', text: 'Run queued.' }));
 */
export function createCardRenderer(cardsDir?: string): CardRenderer {
  const templates = new Map<CardId, Template>();
  let dir = cardsDir;

  function template(id: CardId): Template {
    let t = templates.get(id);
    if (!t) {
      dir ??= findCardsDir();
      const file = join(dir, `${id}.json`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CardRenderError(id, `cannot load ${file}: ${(err as Error).message}`);
      }
      t = new Template(json);
      templates.set(id, t);
    }
    return t;
  }

  return {
    render<K extends CardId>(id: K, data: CardDataMap[K]): AdaptiveCardJson {
      const expanded: unknown = template(id).expand({ $root: escapeData(data) });
      const unbound: string[] = [];
      const card = finish(expanded, '$', unbound) as AdaptiveCardJson;
      if (unbound.length > 0) {
        throw new CardRenderError(id, `unbound template fields: ${unbound.join('; ')}`);
      }
      if (card.type !== 'AdaptiveCard') {
        throw new CardRenderError(id, 'template is not an AdaptiveCard');
      }
      return card;
    },
  };
}

let defaultRenderer: CardRenderer | undefined;

/**
 * Renders `cards/<id>.json` with `data`, through one shared cached renderer.
 * Throws `CardRenderError` when the template references a field the data does not have.
 * @example
 *   await context.sendActivity({ attachments: [cardAttachment(renderCard('run-status', data))] });
 */
export function renderCard<K extends CardId>(id: K, data: CardDataMap[K]): AdaptiveCardJson {
  defaultRenderer ??= createCardRenderer();
  return defaultRenderer.render(id, data);
}

/**
 * Wraps a card as a Bot Framework attachment.
 * @example { type: 'message', attachments: [cardAttachment(card)] }
 */
export function cardAttachment(card: AdaptiveCardJson): AdaptiveCardAttachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}
