import type { TurnContext } from 'botbuilder';

/** The retry policy @azure/core-client puts in every connector client's pipeline. */
const SDK_RETRY_POLICY = 'defaultRetryPolicy';

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(options: { name: string }): unknown } };
}

/**
 * Makes each send or update on this turn's connector client one HTTP attempt. botbuilder's
 * connector client retries inside the call (up to 3 times, sleeping each `Retry-After` in full:
 * a 429 with `Retry-After: 120` held a turn open for minutes); our senders retry instead, within
 * a time budget, and hand what does not fit to the outbox. The client is created per turn, so
 * this changes nothing else.
 * @example await adapter.continueConversationAsync(appId, ref, async (ctx) => { oneAttemptPerCall(ctx); await ctx.sendActivity(a); });
 */
export function oneAttemptPerCall(context: TurnContext): void {
  const key = (context.adapter as { ConnectorClientKey?: symbol } | undefined)?.ConnectorClientKey;
  if (!key) return;
  const client = context.turnState?.get(key) as PipelineHolder | undefined;
  client?.client?.pipeline?.removePolicy({ name: SDK_RETRY_POLICY });
}
