import { countingStore } from '../../bench/counting-store';
import { DeliveryLedger, type DeliveryLedgerOptions } from '../../src/core/delivery-ledger';
import { kit } from './turn-kit';

describe('DeliveryLedger', () => {
  const ledgers: DeliveryLedger[] = [];
  const ledgerOf = (
    k: ReturnType<typeof kit>,
    opts: DeliveryLedgerOptions = { waitForHolderMs: 0 },
  ) => {
    const ledger = new DeliveryLedger(k.store, k.logger, { now: () => k.clock.now(), ...opts });
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

  const helpRecord = {
    actor: { id: 'ana', name: 'Ana' },
    action: 'command:help',
    detail: 'help',
    outcome: 'ok' as const,
  };

  it('costs one write per message on a one-process store: the done mark with the audit', async () => {
    const k = kit();
    const { store, calls } = countingStore(k.store);
    expect(store.sharedByProcesses).toBe(false);
    const ledger = ledgerOf({ ...k, store });
    await ledger.start('warm-up'); // the first delivery also marks the process as running
    for (const name of Object.keys(calls)) delete calls[name];
    await expect(ledger.start('m-2')).resolves.toBe('new');
    await ledger.finish('m-2', [helpRecord]);
    expect(calls).toEqual({ get: 1, putAndAudit: 1 });
    expect((await k.store.queryAudit()).map((r) => r.action)).toEqual(['command:help']);
  });

  it('claims in the store when processes share it: the claim, then done with the audit', async () => {
    const k = kit();
    const { store, calls } = countingStore(k.store);
    const ledger = ledgerOf({ ...k, store }, { shared: true });
    await ledger.start('warm-up'); // the first delivery also waits for the liveness beat
    for (const name of Object.keys(calls)) delete calls[name];
    await ledger.start('m-2');
    await ledger.finish('m-2', [helpRecord]);
    expect(calls).toEqual({ put: 1, putAndAudit: 1 });
    expect((await k.store.queryAudit()).map((r) => r.action)).toEqual(['command:help']);
  });

  it('refuses a retry that comes while the first copy is still being answered', async () => {
    const k = kit();
    const ledger = ledgerOf(k);
    const [first, retry] = await Promise.all([ledger.start('m-7'), ledger.start('m-7')]);
    expect([first, retry]).toEqual(['new', false]);
    await ledger.finish('m-7', []);
    await expect(ledger.start('m-7')).resolves.toBe(false);
  });

  it('after a crash, takes a delivery not done as a redelivery for 5 minutes', async () => {
    const k = kit();
    const crashed = ledgerOf(k);
    await expect(crashed.start('m-8')).resolves.toBe('new');
    await crashed.finish('m-8', []);
    await expect(crashed.start('m-9')).resolves.toBe('new'); // killed before finishing it
    const restarted = ledgerOf(k);
    await expect(restarted.start('m-9')).resolves.toBe('takenOver');
    await expect(restarted.start('m-8')).resolves.toBe(false); // done before the crash
    k.clock.advance(5 * 60 * 1000);
    await expect(restarted.start('m-10')).resolves.toBe('new');
  });

  it('after a clean stop, the next process runs new deliveries as new', async () => {
    const k = kit();
    const first = ledgerOf(k);
    await expect(first.start('m-11')).resolves.toBe('new');
    await first.finish('m-11', []);
    await first.close();
    await expect(ledgerOf(k).start('m-12')).resolves.toBe('new');
  });

  it('takes over a claim left in a one-process store by a shared-mode run', async () => {
    const k = kit();
    const replica = ledgerOf(k, { shared: true });
    await expect(replica.start('m-13')).resolves.toBe('new');
    replica.stop();
    const single = ledgerOf(k);
    await expect(single.start('m-13')).resolves.toBe('takenOver');
    await single.forget('m-13');
    await expect(k.store.get('dedupe', 'activity:m-13')).resolves.toBeUndefined();
  });

  it('lets another instance take over a delivery whose holder stopped being alive', async () => {
    const k = kit();
    const crashed = ledgerOf(k, { shared: true, waitForHolderMs: 0 });
    const survivor = ledgerOf(k, { shared: true, waitForHolderMs: 0 });
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
    const crashed = ledgerOf(k, { shared: true });
    let slept = 0;
    // The wait's clock is the store's: each poll lets the crashed holder's liveness age.
    const sleep = async (ms: number) => {
      slept += ms;
      k.clock.advance(ms);
    };
    const survivor = ledgerOf(k, { shared: true, sleep });
    await expect(crashed.start('m-5')).resolves.toBe('new');
    crashed.stop(); // killed: its liveness record lives out its 6 s and is not renewed
    await expect(survivor.start('m-5')).resolves.toBe('takenOver');
    expect(slept).toBeGreaterThanOrEqual(6_000);
    expect(slept).toBeLessThanOrEqual(7_500);
  });

  it('answers nothing when the live holder finishes while the redelivery waits', async () => {
    const k = kit();
    const holder = ledgerOf(k, { shared: true });
    await expect(holder.start('m-6')).resolves.toBe('new');
    const sleep = async (ms: number) => {
      k.clock.advance(ms);
      await holder.finish('m-6', []);
    };
    const retry = ledgerOf(k, { shared: true, sleep });
    await expect(retry.start('m-6')).resolves.toBe(false);
  });

  it.each([false, true])(
    'forgets a delivery that did nothing, so its retry runs (shared %s)',
    async (shared) => {
      const k = kit();
      const ledger = ledgerOf(k, { shared });
      await ledger.start('m-4');
      await ledger.forget('m-4');
      await expect(ledger.start('m-4')).resolves.toBe('new');
    },
  );

  it('answers once() true only the first time', async () => {
    const ledger = ledgerOf(kit());
    await expect(ledger.once('s-1')).resolves.toBe(true);
    await expect(ledger.once('s-1')).resolves.toBe(false);
  });
});
