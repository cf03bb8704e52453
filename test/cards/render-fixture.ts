import { CARD_IDS, type CardDataMap, type CardId } from '../../src/cards/card-data';
import { renderCard, type AdaptiveCardJson } from '../../src/cards/render-card';
import { CARD_FIXTURES } from '../support/card-fixtures';

/** One card fixture: its card id, its name and its data. */
export type FixtureCase = [CardId, string, CardDataMap[CardId]];

/** Every fixture of every card, for `it.each`. */
export const FIXTURE_CASES: FixtureCase[] = CARD_IDS.flatMap((id) =>
  Object.entries(CARD_FIXTURES[id]).map(([name, data]): FixtureCase => [id, name, data]),
);

/**
 * One card fixture rendered by its template, for tests that look at what a card shows.
 * @example buttonVerbs(renderFixture('run-status', 'failed')) // ['run.retry']
 */
export function renderFixture<K extends CardId>(id: K, fixture: string): AdaptiveCardJson {
  const data = CARD_FIXTURES[id][fixture];
  if (!data) throw new Error(`no fixture ${id}/${fixture}`);
  return renderCard(id, data);
}
