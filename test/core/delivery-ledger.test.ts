import { countingStore } from '../../bench/counting-store';
import { DeliveryLedger, type DeliveryLedgerOptions } from '../../src/core/delivery-ledger';
import { kit } from './turn-kit';

describe('DeliveryLedger', () => {
  const ledgers: DeliveryLedger[] = [];
  const ledgerOf = (
    k: ReturnType<typeof kit>,
    opts: DeliveryLedgerOptions = { waitForHolderMs: 0 },
  ) => {
    const ledger = new DeliveryLedger(k.store, k.logger, opts);
    ledgers.push(ledger);
    return ledger;
  };
  afterEach(() => ledgers.splice(0).forEach((l) => l.stop()));

  it('takes a delivery once: a retry while it runs, and after it is done, is refused', async () => {
    const k = kit();
    const ledger = ledgerOf(k);
    await expect(ledger.start('m-1')).resolves.toBe('new');
    await expect(ledger.start('m-1')).resolves.toBe(false);
    await ledger.finish('m-1', []);
    await expect(ledger.start('m-1')).resolves.toBe(false);
  });

  it('marks done and writes the audit in one store write after the claim', async () => {
    const k = kit();
    const { store, calls } = countingStore(k.store);
    const ledger = ledgerOf({ ...k, store });
    await ledger.start('warm-up'); // the first delivery also waits for the liveness beat
    for (const name of Object.keys(calls)) delete calls[name];
    await ledger.start('m-2');
    await ledger.finish('m-2', [
      { actor: { id: 'ana', name: 'Ana' }, action: 'command:help', detail: 'help', outcome: 'ok' },
    ]);
    expect(calls).toEqual({ put: 1, putAndAudit: 1 });
    expect((await k.store.queryAudit()).map((r) => r.action)).toEqual(['command:help']);
  });

  it('lets another instance take over a delivery whose holder stopped being alive', async () => {
    const k = kit();
    const crashed = ledgerOf(k);
    const survivor = ledgerOf(k);
    await expect(crashed.start('m-3')).resolves.toBe('new');
    await expect(survivor.start('m-3')).resolves.toBe(false); // its holder is alive
    crashed.stop();
    k.clock.advance(7_000); // past the liveness ttl; the survivor beats again on its timer
    await k.store.put('dedupe', `instance:${survivor.instanceId}`, 1, { ttlMs: 6_000 });
    await expect(survivor.start('m-3')).resolves.toBe('takenOver');
    await expect(crashed.start('m-3')).resolves.toBe(false);
  });

  it('waits out a holder that crashed moments ago and takes its delivery over', async () => {
    const k = kit();
    const crashed = ledgerOf(k);
    let slept = 0;
    // The wait's clock is the store's: each poll lets the crashed holder's liveness age.
    const sleep = async (ms: number) => {
      slept += ms;
      k.clock.advance(ms);
    };
    const survivor = ledgerOf(k, { sleep });
    await expect(crashed.start('m-5')).resolves.toBe('new');
    crashed.stop(); // killed: its liveness record lives out its 6 s and is not renewed
    await expect(survivor.start('m-5')).resolves.toBe('takenOver');
    expect(slept).toBeGreaterThanOrEqual(6_000);
    expect(slept).toBeLessThanOrEqual(7_500);
  });

  it('answers nothing when the live holder finishes while the redelivery waits', async () => {
    const k = kit();
    const holder = ledgerOf(k);
    await expect(holder.start('m-6')).resolves.toBe('new');
    const sleep = async (ms: number) => {
      k.clock.advance(ms);
      await holder.finish('m-6', []);
    };
    const retry = ledgerOf(k, { sleep });
    await expect(retry.start('m-6')).resolves.toBe(false);
  });

  it('forgets a delivery that did nothing, so its retry runs', async () => {
    const k = kit();
    const ledger = ledgerOf(k);
    await ledger.start('m-4');
    await ledger.forget('m-4');
    await expect(ledger.start('m-4')).resolves.toBe('new');
  });

  it('answers once() true only the first time', async () => {
    const ledger = ledgerOf(kit());
    await expect(ledger.once('s-1')).resolves.toBe(true);
    await expect(ledger.once('s-1')).resolves.toBe(false);
  });
});
