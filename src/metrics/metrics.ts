import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's Prometheus metrics, on a registry of its own (no global state). */
export interface Metrics {
  registry: Registry;
  commands: Counter<'command' | 'outcome'>;
  turnSeconds: Histogram<'kind'>;
  webhooks: Counter<'event' | 'outcome'>;
}

/** @example const m = createMetrics(); m.commands.inc({ command: 'help', outcome: 'ok' }); */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'chatops_' });
  return {
    registry,
    commands: new Counter({
      name: 'chatops_commands_total',
      help: 'Commands handled, by command and outcome',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    turnSeconds: new Histogram({
      name: 'chatops_turn_seconds',
      help: 'Time to handle one Bot Framework turn',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'chatops_webhooks_total',
      help: 'Azure DevOps service-hook deliveries, by event type and outcome',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
  };
}
