import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import type { ConnectorCall } from './fake-connector';

/** Everything the bot attached to an activity, as one string to search. */
export const text = (c: ConnectorCall): string => JSON.stringify(c.activity.attachments ?? []);

export type Card = Record<string, unknown>;

/** The first Adaptive Card of an activity the bot sent ({} when there is none). */
export function cardOf(call: ConnectorCall): Card {
  return ((call.activity.attachments as { content: Card }[] | undefined) ?? [])[0]?.content ?? {};
}

/** Every Action.Execute in a card, wherever it sits (actions, action sets, refresh). */
export function executeActions(
  card: unknown,
): { verb: string; title?: string; data: Record<string, unknown> }[] {
  const found: { verb: string; title?: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') {
        found.push({
          verb: o.verb,
          title: typeof o.title === 'string' ? o.title : undefined,
          data: (o.data ?? {}) as Record<string, unknown>,
        });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const CATALOG_PIPELINE_NAMES = new Set(
  loadCatalog(join(__dirname, '..', '..', 'config', 'digitre.yaml')).pipelines.map((p) => p.name),
);

/**
 * The run id a run card shows ("Running · run #12 · 20261129.1"), or undefined for any other
 * card. An approval card shows "[Manual]-[Prod]-deployment · run #12 · …": the pipeline's name
 * where the run card has its state.
 */
export function runCardRunId(c: ConnectorCall): number | undefined {
  for (const m of text(c).matchAll(/"text":"([^"]*?) · run #(\d+) · /g)) {
    if (!CATALOG_PIPELINE_NAMES.has(m[1]!)) return Number(m[2]);
  }
  return undefined;
}
