import { manualClock } from '../../src/clock/clock';
import { auditCases } from './contract/audit-cases';
import { T0, type PurgeableStore, type StoreFactory } from './contract/contract-env';
import { documentCases } from './contract/documents-cases';
import { queueCases } from './contract/queues-cases';

export type { PurgeableStore, StoreFactory } from './contract/contract-env';

/**
 * The behaviour every `Store` adapter must share; `memory-store.test.ts`, `sqlite-store.test.ts`
 * and `azure-store.test.ts` run it against their adapter. The cases live in ./contract/, by what
 * they cover (documents, audit, queues and leases).
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    let clock: ReturnType<typeof manualClock>;
    let store: PurgeableStore;

    beforeEach(async () => {
      clock = manualClock(T0);
      store = await factory(clock);
    });
    afterEach(async () => {
      await store.close();
    });

    const env = () => ({ store, clock, factory });
    documentCases(env);
    auditCases(env);
    queueCases(env);
  });
}
