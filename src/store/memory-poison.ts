import type { Clock } from '../clock/clock';
import { MAX_POISON_ERROR, POISON_LIST_LIMIT, type PoisonItem } from './poison-item';

/**
 * The in-memory store's poison lists: `deadLetter` moves an item out of its queue map into
 * the queue's list, with its error; `list` reads them oldest first.
 * @example const poison = new MemoryPoison(clock); poison.deadLetter(items, 'ado-events', 'ev-1', 'failed 8 times');
 */
export class MemoryPoison {
  private readonly lists = new Map<string, PoisonItem[]>();

  constructor(private readonly clock: Clock) {}

  /** Moves `id` from `items` (one queue's rows, JSON payloads) to `queue`'s poison list. */
  deadLetter(
    items: Map<string, { json: string; attempts: number }>,
    queue: string,
    id: string,
    error: string,
  ): void {
    const row = items.get(id);
    if (!row) return;
    items.delete(id);
    let list = this.lists.get(queue);
    if (!list) this.lists.set(queue, (list = []));
    list.push({
      id,
      payload: JSON.parse(row.json) as unknown,
      attempts: row.attempts,
      error: error.slice(0, MAX_POISON_ERROR),
      failedAt: this.clock.now(),
    });
  }

  list<T>(queue: string, limit = POISON_LIST_LIMIT): PoisonItem<T>[] {
    const list = (this.lists.get(queue) ?? []) as PoisonItem<T>[];
    // Copies through JSON like the stores' payloads, so callers cannot change what is kept.
    return JSON.parse(JSON.stringify(list.slice(0, Math.max(0, limit)))) as PoisonItem<T>[];
  }
}
