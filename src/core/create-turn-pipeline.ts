import type { CardSigner } from '../actions/card-signer';
import type { RateLimiter } from '../auth/rate-limiter';
import type { TenantPolicy } from '../auth/tenant-policy';
import type { CommandDeps, CommandRegistry } from '../commands/command-spec';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { DeliveryLedger } from './delivery-ledger';
import { audit } from './middleware/audit';
import { cardToken } from './middleware/card-token';
import { conversation } from './middleware/conversation';
import { delivery } from './middleware/delivery';
import { identity } from './middleware/identity';
import { metrics } from './middleware/metrics';
import { rateLimit } from './middleware/rate-limit';
import { respond } from './middleware/respond';
import { router } from './middleware/router';
import { signIn } from './middleware/sign-in';
import { tenant } from './middleware/tenant';
import type { TurnMiddleware } from './turn';
import { composeTurnPipeline, type TurnPipeline } from './turn-pipeline';

export interface TurnPipelineOptions {
  registry: CommandRegistry;
  deps: CommandDeps;
  logger: Logger;
  signer: CardSigner;
  ledger: DeliveryLedger;
  metrics?: Metrics;
  rateLimiter?: RateLimiter;
  tenantPolicy?: TenantPolicy;
}

/**
 * The one pipeline every message and card click of every platform goes through, in this order:
 * the tenant boundary before anything is stored; the rate limit before any lookup; a click's
 * signature before it is claimed; one delivery per platform id; the conversation and the person;
 * acting as the person; metrics and audit around the command or card action itself.
 * @example
 *   const pipeline = createTurnPipeline({ registry, deps, logger, signer, ledger });
 *   const answer = await pipeline(newTurn({ platform: 'teams', kind: 'message', … }));
 */
export function createTurnPipeline(o: TurnPipelineOptions): TurnPipeline {
  const { deps, logger } = o;
  return composeTurnPipeline([
    respond(),
    tenant({
      policy: o.tenantPolicy,
      store: deps.store,
      clock: deps.clock,
      secrets: deps.secrets,
      logger,
    }),
    rateLimit(o.rateLimiter),
    cardToken({
      signer: o.signer,
      store: deps.store,
      logger,
      clock: deps.clock,
      secrets: deps.secrets,
    }),
    delivery(o.ledger, { store: deps.store, logger }),
    platformInAudit(),
    conversation(),
    identity({ store: deps.store, clock: deps.clock, logger }),
    signIn({ clock: deps.clock, secrets: deps.secrets }),
    metrics(o.metrics),
    audit({ clock: deps.clock, secrets: deps.secrets }),
    router({ registry: o.registry, deps, logger }),
  ]);
}

/**
 * The audit log says which platform a turn came from: records of a turn from another platform
 * than Teams (the first one, whose records stay as they were) name it in their detail.
 */
function platformInAudit(): TurnMiddleware {
  return async (turn, next) => {
    await next();
    if (turn.platform === 'teams') return;
    for (const record of turn.audit) record.detail = `(${turn.platform}) ${record.detail}`;
  };
}
