import { maskSecrets } from '../text/mask-secrets';
import { deepFreeze } from './deep-freeze';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Template } from 'adaptivecards-templating';
import { CARD_IDS, type CardDataMap, type CardId } from './card-data';
import { CodedError } from '../errors/coded-error';

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
export class CardRenderError extends CodedError<'cardTemplateBroken'> {
  constructor(
    readonly cardId: string,
    message: string,
  ) {
    super('cardTemplateBroken', `card '${cardId}': ${message}`);
  }
}

export interface CardRenderer {
  render<K extends CardId>(id: K, data: CardDataMap[K]): AdaptiveCardJson;
  /** Loads the templating engine and every template now rather than on first use. */
  preload(): void;
}

type Templating = typeof import('adaptivecards-templating');
let templating: Templating | undefined;

/**
 * adaptivecards-templating pulls in adaptive-expressions and antlr4ts: ~250 ms and ~400
 * modules, the biggest start-up cost after botbuilder. It is loaded on first use, which the app
 * makes happen right after it listens (`warmCards`), so readiness does not wait for it.
 */
function loadTemplating(): Templating {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  templating ??= require('adaptivecards-templating') as Templating;
  return templating;
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
  // Masked here too, so cards posted by notifications (Azure DevOps comments, log lines) never
  // carry a token or key someone pasted (the bot's replies also mask its configured secrets).
  if (typeof value === 'string') return maskSecrets(value).split('${').join(ESCAPED_BINDING);
  if (Array.isArray(value)) return value.map(escapeData);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeData(v)]));
  }
  return value;
}

/**
 * Drops the `null`s that `$when: false` leaves on object properties (e.g. `refresh`,
 * `selectAction`) and the `null` items of arrays. Returns false as soon as a string still holds
 * `${` (a field the data lacks): the caller then asks `unboundFields` where, which builds the
 * paths only on that (error) path, not for every node of every card.
 */
function finish(value: unknown, ok: { unbound: boolean }): unknown {
  if (typeof value === 'string') {
    if (value.includes('${')) ok.unbound = true;
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) if (v !== null) out.push(finish(v, ok));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (v === null || v === undefined) continue;
      out[k] = finish(v, ok);
    }
    return out;
  }
  return value;
}

/** Where the `${` left in a finished card are, as `$.body[1].text: ${field}`. */
function unboundFields(value: unknown, path: string, found: string[]): string[] {
  if (typeof value === 'string') {
    if (value.includes('${')) found.push(`${path}: ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unboundFields(v, `${path}[${i}]`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) unboundFields(v, `${path}.${k}`, found);
  }
  return found;
}

/**
 * Cards whose rendering is remembered by their data, because the same data comes again and
 * again (help: one card per command registry, the same for everyone — no signed buttons, nothing
 * per person or conversation). Profiled: templating + post-processing were ~15% of the bot's CPU
 * per `help`. Other cards carry times, states and signed button data, so they would only churn.
 */
const MEMOIZED_CARDS: ReadonlySet<CardId> = new Set<CardId>(['help']);
/** Distinct data per memoized card kept (help: one per topic); oldest dropped first. */
const MEMO_LIMIT = 64;

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
      t = new (loadTemplating().Template)(json);
      templates.set(id, t);
    }
    return t;
  }

  function expand(id: CardId, data: unknown): AdaptiveCardJson {
    // Most data holds no `${`: skip the escaping copy then (one native scan instead of a walk).
    const root = JSON.stringify(data).includes('${') ? escapeData(data) : data;
    const expanded: unknown = template(id).expand({ $root: root });
    const ok = { unbound: false };
    const card = finish(expanded, ok) as AdaptiveCardJson;
    if (ok.unbound) {
      const where = unboundFields(card, '$', []);
      throw new CardRenderError(id, `unbound template fields: ${where.join('; ')}`);
    }
    if (card.type !== 'AdaptiveCard') {
      throw new CardRenderError(id, 'template is not an AdaptiveCard');
    }
    return card;
  }

  const memo = new Map<string, AdaptiveCardJson>();
  // Frozen data shared by every reply (plain `help`) is known by identity: no serialising per
  // message. Only frozen data: anything else could change after it was remembered.
  const byIdentity = new WeakMap<object, { id: CardId; card: AdaptiveCardJson }>();
  return {
    preload() {
      for (const id of CARD_IDS) template(id);
    },
    render<K extends CardId>(id: K, data: CardDataMap[K]): AdaptiveCardJson {
      if (!MEMOIZED_CARDS.has(id)) return expand(id, data);
      const shared = Object.isFrozen(data) ? byIdentity.get(data) : undefined;
      if (shared?.id === id) return shared.card;
      const key = `${id}\u0000${JSON.stringify(data)}`;
      let card = memo.get(key);
      if (!card) {
        card = deepFreeze(expand(id, data));
        if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
        memo.set(key, card);
      }
      if (Object.isFrozen(data)) byIdentity.set(data, { id, card });
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
 * Loads the templating engine and parses every template of the shared renderer, so the first
 * card rendered does not pay for it. The app calls it right after it starts listening.
 * Throws `CardRenderError` when a template cannot be read.
 * @example server.listen(port, () => setImmediate(warmCards));
 */
export function warmCards(): void {
  defaultRenderer ??= createCardRenderer();
  defaultRenderer.preload();
}

/**
 * Wraps a card as a Bot Framework attachment.
 * @example { type: 'message', attachments: [cardAttachment(card)] }
 */
export function cardAttachment(card: AdaptiveCardJson): AdaptiveCardAttachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}
