import type { Logger } from '../../logging/create-logger';
import type { Store } from '../../store/store';
import type { DeliveryLedger } from '../delivery-ledger';
import type { TurnMiddleware } from '../turn';
import { respond } from '../turn';

/**
 * Runs a delivery once (issue 14): a platform retry of a done or in-flight delivery answers
 * nothing (a click: 409). The delivery is done only once its effect happened and its answer went
 * out; the done mark and the turn's audit records are one store write. A turn that did nothing
 * (`undone`: a pending sign-in, a refused click) or failed lets its retry run.
 * @example composeTurnPipeline([respond(), tenant(deps), delivery(ledger, deps), …])
 */
export function delivery(
  ledger: DeliveryLedger,
  deps: { store: Store; logger: Logger },
): TurnMiddleware {
  return async (turn, next) => {
    const id = turn.deliveryId;
    if (!id) {
      await next();
      await respond(turn);
      await writeAudit(deps.store, turn.audit);
      return;
    }
    const start = await ledger.start(id);
    if (!start) {
      deps.logger.info({ activityId: id }, 'duplicate activity ignored');
      turn.answer =
        turn.kind === 'message'
          ? { kind: 'none' }
          : { kind: 'refused', status: 409, message: 'That click was already handled.' };
      return;
    }
    if (start === 'takenOver') turn.redelivered = true;
    try {
      await next();
      await respond(turn);
    } catch (err) {
      await ledger.forget(id).catch(() => undefined);
      throw err;
    }
    if (turn.undone) {
      await ledger.forget(id);
      await writeAudit(deps.store, turn.audit);
      return;
    }
    await ledger.finish(id, turn.audit);
  };
}

async function writeAudit(store: Store, records: readonly Parameters<Store['appendAudit']>[0][]) {
  // The audit log must not turn a done command into an error; the store logs its own failures.
  for (const record of records) await store.appendAudit(record).catch(() => undefined);
}
