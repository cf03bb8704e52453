import type { Clock } from '../../../src/clock/clock';
import type { manualClock } from '../../../src/clock/clock';
import type { Store } from '../../../src/store/store';

/** A store whose owner can also purge it (every adapter can; the port leaves it out). */
export type PurgeableStore = Store & { purgeExpired(): Promise<number> };

/** Builds a fresh, empty store that reads time from `clock` (audit retention: default or given). */
export type StoreFactory = (
  clock: Clock,
  options?: { auditRetentionDays?: number },
) => Promise<PurgeableStore>;

/** What each group of cases gets from the contract: this test's store and clock, the factory. */
export interface ContractEnv {
  store: PurgeableStore;
  clock: ReturnType<typeof manualClock>;
  factory: StoreFactory;
}

export const T0 = 1_700_000_000_000;
export const DAY = 24 * 3600_000;
export const ODD_KEYS = [
  '19:abc@thread.tacv2;messageid=1700000000000',
  'a/b\\c#d?e',
  'ends-with-dot.',
  '100% sure',
  'üñí©ødé 漢字',
  "quote'(star)*!",
];
